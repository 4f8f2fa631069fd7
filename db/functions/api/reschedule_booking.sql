-- Move a booking to a new start (and optionally another resource) in one UPDATE:
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
    v_candidate record;
    v_seats int4multirange;
    v_open boolean := false;
    v_closed boolean := false;
BEGIN
    v_booking := internal.lock_booking(p_booking, p_actor);
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
    PERFORM internal.validate_slot_request(v_service, p_new_start, v_booking.seat_count);
    IF p_new_start = v_booking.starts_at AND coalesce(p_resource, v_booking.resource_id) = v_booking.resource_id THEN
        RETURN v_booking;
    END IF;

    FOR v_candidate IN
        SELECT c.*
          FROM internal.slot_candidates(v_service, p_new_start, p_new_start + interval '1 microsecond', false) c
         WHERE c.starts_at = p_new_start AND (p_resource IS NULL OR c.resource_id = p_resource)
         ORDER BY c.resource_id = v_booking.resource_id DESC, c.state = 'available' DESC
    LOOP
        v_closed := v_closed OR v_candidate.state = 'closed';
        CONTINUE WHEN v_candidate.state = 'closed' OR v_candidate.capacity < v_booking.seat_count;
        v_open := true;
        UPDATE booking.bookings SET status = 'expired'
         WHERE resource_id = v_candidate.resource_id
           AND status = 'held' AND hold_expires_at <= now()
           AND blocked && v_candidate.blocked;
        BEGIN
            IF v_candidate.capacity = 1 THEN
                v_seats := '{[1,2)}';
            ELSE
                v_seats := internal.allocate_seats(v_candidate.resource_id, v_candidate.blocked,
                                                   v_booking.seat_count, v_candidate.capacity, true, p_booking);
                CONTINUE WHEN v_seats IS NULL;
            END IF;
            UPDATE booking.bookings
               SET starts_at = p_new_start,
                   ends_at = v_candidate.ends_at,
                   resource_id = v_candidate.resource_id,
                   buffer_before_minutes = v_service.buffer_before_minutes,
                   buffer_after_minutes = v_service.buffer_after_minutes,
                   seats = v_seats
             WHERE id = p_booking
            RETURNING * INTO v_booking;
            RETURN v_booking;
        EXCEPTION WHEN exclusion_violation THEN
            NULL;  -- taken: try the next resource
        END;
    END LOOP;

    IF NOT v_open THEN
        PERFORM internal.fail_not_open(v_service.id, p_resource, v_closed);
    END IF;
    PERFORM internal.conflict(v_service, p_new_start, v_booking.seat_count,
        format('slot %s is no longer available', p_new_start));
    RETURN NULL;
END
$$;
