-- Change the fields of a service that p_fields names (as api.create_service takes them;
-- "resources" replaces its team, "starts_at": null makes it recurring) and return it.
CREATE FUNCTION api.update_service(p_actor uuid, p_service uuid, p_fields jsonb) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v booking.services;
BEGIN
    PERFORM internal.lock_service(p_actor, p_service);
    v := internal.write_service(p_service, p_fields);
    RETURN internal.service_json(v, p_admin => true);  -- a statement of its own: it sees the write
END
$$;
