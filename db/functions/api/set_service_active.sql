-- Deactivate (p_active false) or re-activate a service: existing bookings stay (they are
-- neither cancelled nor moved: the admin decides about each, and their customers may still
-- cancel them); an inactive one is not listed, offers no slots and its public link answers
-- 410. Returns it, with upcoming_bookings: how many blocking bookings still lie ahead.
CREATE FUNCTION api.set_service_active(p_actor uuid, p_service uuid, p_active boolean) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v booking.services;
BEGIN
    PERFORM internal.lock_service(p_actor, p_service);
    v := internal.write_service(p_service, jsonb_build_object('active', p_active));
    RETURN internal.service_json(v, p_admin => true)  -- a statement of its own: it sees the write
        || jsonb_build_object('upcoming_bookings', (
               SELECT count(*) FROM booking.bookings b
                WHERE b.service_id = p_service AND b.status IN ('held', 'pending', 'confirmed')
                  AND b.ends_at > now()));
END
$$;
