-- Deactivate (p_active false) or re-activate a resource: bookings keep pointing at it
-- (they stay valid; the admin moves or cancels each); an inactive one offers no new slots.
-- Returns it, with upcoming_bookings: how many blocking bookings on it still lie ahead.
CREATE FUNCTION api.set_resource_active(p_actor uuid, p_resource uuid, p_active boolean) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v booking.resources;
BEGIN
    PERFORM internal.lock_resource(p_actor, p_resource);
    v := internal.write_resource(p_resource, jsonb_build_object('active', p_active));
    RETURN internal.resource_json(v)  -- a statement of its own: it sees the write
        || jsonb_build_object('upcoming_bookings', (
               SELECT count(*) FROM booking.bookings b
                WHERE b.resource_id = p_resource AND b.status IN ('held', 'pending', 'confirmed')
                  AND b.ends_at > now()));
END
$$;
