-- Change the fields of a resource that p_fields names (as api.create_resource takes them;
-- "owner": null removes the owner, "active": true re-activates it) and return it.
CREATE FUNCTION api.update_resource(p_actor uuid, p_resource uuid, p_fields jsonb) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v booking.resources;
BEGIN
    PERFORM internal.lock_resource(p_actor, p_resource);
    v := internal.write_resource(p_resource, p_fields);
    RETURN internal.resource_json(v);  -- a statement of its own: it sees the write
END
$$;
