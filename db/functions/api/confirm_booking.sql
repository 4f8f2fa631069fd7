-- Approve a pending booking (services that need confirmation). Admins and the
-- resource's owner may; confirming a confirmed booking returns it unchanged.
CREATE FUNCTION api.confirm_booking(p_booking uuid, p_actor uuid) RETURNS booking.bookings
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v_booking booking.bookings := internal.lock_pending_booking(p_booking, p_actor, 'confirmed');
BEGIN
    IF v_booking.status = 'pending' THEN
        UPDATE booking.bookings SET status = 'confirmed' WHERE id = p_booking RETURNING * INTO v_booking;
    END IF;
    RETURN v_booking;
END
$$;
