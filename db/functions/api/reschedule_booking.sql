-- Move a booking to a new start (and optionally another resource) in one UPDATE, placed
-- by internal.place_booking, the routine that places new bookings:
-- on conflict it raises RB409 with alternatives and nothing changes. The same rules
-- as for booking apply, and the cancellation cutoff applies to the current start.
CREATE FUNCTION api.reschedule_booking(
    p_booking uuid,
    p_new_start timestamptz,
    p_actor uuid,
    p_resource uuid DEFAULT NULL
) RETURNS booking.bookings
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v_booking booking.bookings;
    v_service booking.services;
BEGIN
    -- Read without a row lock: internal.place_booking takes the resources' locks and then
    -- the booking's row lock, in that order (docs/decisions.md, "Seat allocation").
    v_booking := internal.lock_booking(p_booking, p_actor, p_lock => false);
    SELECT * INTO v_service FROM booking.services WHERE id = v_booking.service_id;
    IF v_booking.status NOT IN ('held', 'pending', 'confirmed') THEN
        RAISE EXCEPTION USING ERRCODE = 'RB409',
            MESSAGE = format('a %s booking cannot be rescheduled', v_booking.status),
            DETAIL = '{"alternatives": []}';
    END IF;
    IF NOT internal.is_admin(p_actor)
       AND now() > v_booking.starts_at - make_interval(mins => v_service.cancellation_cutoff_minutes) THEN
        PERFORM internal.fail_invalid('starts_at', format(
            'changes closed: bookings can be changed until %s minutes before the start',
            v_service.cancellation_cutoff_minutes));
    END IF;
    IF p_new_start = v_booking.starts_at AND coalesce(p_resource, v_booking.resource_id) = v_booking.resource_id THEN
        PERFORM internal.validate_slot_request(v_service, p_new_start, v_booking.seat_count);
        RETURN v_booking;
    END IF;
    RETURN internal.place_booking(v_service, p_new_start, v_booking.seat_count, p_resource, NULL, v_booking);
END
$$;
