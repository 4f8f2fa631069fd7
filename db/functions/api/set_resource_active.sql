-- Deactivate (p_active false) or re-activate a resource: bookings keep pointing at it;
-- an inactive one offers no new slots. Returns it.
CREATE FUNCTION api.set_resource_active(p_actor uuid, p_resource uuid, p_active boolean) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v booking.resources;
BEGIN
    PERFORM internal.lock_resource(p_actor, p_resource);
    v := internal.write_resource(p_resource, jsonb_build_object('active', p_active));
    RETURN internal.resource_json(v);  -- a statement of its own: it sees the write
END
$$;
