-- The first step of every change to a booking: remember the actor for the audit trail,
-- lock the booking and check that p_actor may act on it (internal.can_manage_booking).
-- RB404 when it does not exist or is not the actor's (ids leak nothing). p_lock false reads
-- it without the row lock, for a caller that must take other locks first (a move:
-- internal.place_booking locks the resources, then the booking, in that order).
CREATE FUNCTION internal.lock_booking(p_booking uuid, p_actor uuid, p_lock boolean DEFAULT true)
    RETURNS booking.bookings
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_booking booking.bookings;
BEGIN
    PERFORM internal.set_actor(p_actor);
    IF p_lock THEN
        SELECT * INTO v_booking FROM booking.bookings WHERE id = p_booking FOR UPDATE;
    ELSE
        SELECT * INTO v_booking FROM booking.bookings WHERE id = p_booking;
    END IF;
    IF v_booking.id IS NULL OR NOT internal.can_manage_booking(v_booking, p_actor) THEN
        PERFORM internal.fail_not_found('booking');
    END IF;
    RETURN v_booking;
END
$$;
