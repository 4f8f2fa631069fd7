-- Decline a pending booking; its slot becomes free. Declining a declined booking
-- returns it unchanged.
CREATE FUNCTION api.decline_booking(p_booking uuid, p_actor uuid, p_reason text DEFAULT NULL)
    RETURNS booking.bookings
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v_booking booking.bookings;
BEGIN
    PERFORM internal.waitlist_prelock(p_booking);  -- the resource's lock before the row's, when people wait
    v_booking := internal.lock_pending_booking(p_booking, p_actor, 'declined');
    IF v_booking.status = 'pending' THEN
        UPDATE booking.bookings SET status = 'declined', status_reason = nullif(trim(p_reason), '')
         WHERE id = p_booking RETURNING * INTO v_booking;
    END IF;
    RETURN v_booking;
END
$$;
