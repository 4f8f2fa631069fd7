-- Change the notes of a booking (PATCH /bookings/{id} {"notes": …}); same actors as
-- api.get_booking. Empty notes clear them.
CREATE FUNCTION api.set_booking_notes(p_booking uuid, p_actor uuid, p_notes text) RETURNS booking.bookings
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v_booking booking.bookings;
BEGIN
    PERFORM internal.set_actor(p_actor);
    SELECT * INTO v_booking FROM booking.bookings WHERE id = p_booking FOR UPDATE;
    IF v_booking.id IS NULL OR NOT internal.can_manage_booking(v_booking, p_actor) THEN
        PERFORM internal.fail_not_found('booking');
    END IF;
    IF length(p_notes) > 2000 THEN
        PERFORM internal.fail_invalid('notes', 'is longer than 2000 characters');
    END IF;
    UPDATE booking.bookings SET notes = nullif(trim(p_notes), '')
     WHERE id = p_booking
    RETURNING * INTO v_booking;
    RETURN v_booking;
END
$$;
