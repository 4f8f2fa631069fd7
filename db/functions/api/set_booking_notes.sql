-- Change the notes of a booking (PATCH /bookings/{id} {"notes": …}); same actors as
-- api.get_booking. Empty notes clear them.
CREATE FUNCTION api.set_booking_notes(p_booking uuid, p_actor uuid, p_notes text) RETURNS booking.bookings
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v_booking booking.bookings;
BEGIN
    v_booking := internal.lock_booking(p_booking, p_actor);
    IF length(p_notes) > 2000 THEN
        PERFORM internal.fail_invalid('notes', 'is longer than 2000 characters');
    END IF;
    UPDATE booking.bookings SET notes = nullif(trim(p_notes), '')
     WHERE id = p_booking
    RETURNING * INTO v_booking;
    RETURN v_booking;
END
$$;
