-- Make the resources named by p_slugs the team that delivers a service. Returns the service.
CREATE FUNCTION api.set_service_resources(p_actor uuid, p_service uuid, p_slugs text[]) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v booking.services;
BEGIN
    PERFORM internal.lock_service(p_actor, p_service);
    v := internal.write_service(p_service, jsonb_build_object('resources', to_jsonb(p_slugs)));
    RETURN internal.service_json(v, p_admin => true);  -- a statement of its own: it sees the write
END
$$;
