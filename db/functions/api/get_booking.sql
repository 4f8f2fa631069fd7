-- One booking, for someone allowed to see it: admins, the booking's user and the
-- resource's owner; RB404 otherwise (ids leak nothing). A NULL actor is a guest whose
-- manage token the edge verified.
CREATE FUNCTION api.get_booking(p_booking uuid, p_actor uuid) RETURNS booking.bookings
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v_booking booking.bookings;
BEGIN
    SELECT * INTO v_booking FROM booking.bookings WHERE id = p_booking;
    IF v_booking.id IS NULL OR NOT internal.can_manage_booking(v_booking, p_actor) THEN
        PERFORM internal.fail_not_found('booking');
    END IF;
    RETURN v_booking;
END
$$;
