-- The one placement routine, for booking, holding and rescheduling: finds the resources
-- open at p_starts_at (or checks the named one), chooses seats and lets the exclusion
-- constraint decide. Inserts a blocking booking built from p_fields (held, pending or
-- confirmed), or, with p_move, moves that booking (api.reschedule_booking). Raises RB409
-- with alternatives only when no candidate has p_seats free: a refusal always follows a
-- scan of the committed bookings that found too few free seats (lapsed holds count as free).
--
-- Phases (the lock order that makes it deadlock-free is explained in docs/decisions.md):
--   0. candidates, and the seat counter of each session of 16 seats or more
--      (internal.seat_cursor; only its first buyer creates it);
--   1. the fast path, inserts only: a room's one seat, or the counter's next numbers
--      (internal.advance_seat_cursor), with INSERT … ON CONFLICT DO NOTHING: no
--      subtransaction, no lock kept when it does nothing;
--   2. the scan, under the candidates' maintenance locks (internal.lock_resources, all at
--      once in one global order, so scans of a resource run one at a time): lapsed holds in
--      the way expire (internal.expire_lapsed_holds), then free seats are chosen
--      (internal.allocate_seats) and inserted the same way, again until the scan finds too few. A move always takes
--      this path, under the maintenance locks of its old and new resources, taken before
--      the booking's row lock.
CREATE FUNCTION internal.place_booking(
    p_service booking.services,
    p_starts_at timestamptz,
    p_seats integer,
    p_resource uuid,
    p_fields booking.bookings,
    p_move booking.bookings DEFAULT NULL
) RETURNS booking.bookings
    LANGUAGE plpgsql VOLATILE
    -- One generic plan per statement, cached for the session: a custom plan would be planned
    -- on every call (the candidates' plan looks cheaper with p_resource known), and the row
    -- estimates of generate_series make some plans look expensive enough to compile (JIT).
    SET plan_cache_mode = force_generic_plan
    SET jit = off
    AS $$
DECLARE
    v_candidate record;
    v_cursor refcursor;
    v_ids uuid[] := '{}';          -- open candidates that can seat p_seats, best first
    v_caps integer[] := '{}';
    v_counters regclass[] := '{}';
    v_blocked tstzrange;
    v_ends_at timestamptz;
    v_open boolean := false;
    v_closed boolean := false;
    v_largest integer := 0;
    v_moving boolean := p_move.id IS NOT NULL;
    v_row booking.bookings;
    v_result booking.bookings;
    v_phase integer;
    v_seats int4multirange;
    v_rounds integer := 0;
BEGIN
    PERFORM internal.validate_slot_request(p_service, p_starts_at, p_seats);

    -- The resources open at p_starts_at (or the named one): those with an opening window
    -- holding a slot that starts then, by the same reading as internal.slot_candidates
    -- (internal.opening_windows, internal.window_starts) for this one start, so no slot is
    -- generated for the rest of the day. A one-off event's one slot is its window (checked
    -- above, and its length is the duration), so it skips the opening hours altogether.
    -- No sort unless there is a choice (below).
    v_ends_at := p_starts_at + make_interval(mins => p_service.duration_minutes);
    v_blocked := tstzrange(p_starts_at - make_interval(mins => p_service.buffer_before_minutes),
                           v_ends_at + make_interval(mins => p_service.buffer_after_minutes));
    IF p_service.fixed_window IS NOT NULL THEN
        OPEN v_cursor FOR
            SELECT r.id, r.capacity,
                   EXISTS (SELECT 1 FROM booking.closures cl
                            WHERE cl.resource_id = r.id AND cl.during && tstzrange(p_starts_at, v_ends_at)) AS closed
              FROM booking.service_resources sr
              JOIN booking.resources r ON r.id = sr.resource_id
             WHERE sr.service_id = p_service.id AND r.active AND (p_resource IS NULL OR r.id = p_resource);
    ELSE
        OPEN v_cursor FOR
            SELECT r.id, r.capacity,
                   EXISTS (SELECT 1 FROM booking.closures cl
                            WHERE cl.resource_id = r.id AND cl.during && tstzrange(p_starts_at, v_ends_at)) AS closed
              FROM booking.service_resources sr
              JOIN booking.resources r ON r.id = sr.resource_id
             WHERE sr.service_id = p_service.id AND r.active AND (p_resource IS NULL OR r.id = p_resource)
               AND EXISTS (SELECT 1
                             FROM internal.opening_windows(p_service, r.id, r.timezone,
                                                           p_starts_at, p_starts_at + interval '1 microsecond') w
                            CROSS JOIN LATERAL internal.window_starts(p_service, w.opens, w.closes,
                                                                      p_starts_at, p_starts_at + interval '1 microsecond'));
    END IF;
    LOOP
        FETCH v_cursor INTO v_candidate;
        EXIT WHEN NOT FOUND;
        v_closed := v_closed OR v_candidate.closed;
        CONTINUE WHEN v_candidate.closed;
        v_open := true;
        v_largest := greatest(v_largest, v_candidate.capacity);
        CONTINUE WHEN v_candidate.capacity < p_seats;
        v_ids := v_ids || v_candidate.id;
        v_caps := v_caps || v_candidate.capacity;
    END LOOP;
    CLOSE v_cursor;

    IF cardinality(v_ids) > 1 THEN
        -- A moved booking stays on its resource if it can; else free rooms first, then the
        -- least busy that day, so a team shares the work.
        SELECT array_agg(c.id ORDER BY c.k), array_agg(c.cap ORDER BY c.k) INTO v_ids, v_caps
          FROM (SELECT c.id, c.cap,
                       row_number() OVER (
                           ORDER BY c.id = p_move.resource_id DESC NULLS LAST,
                                    CASE WHEN c.cap = 1 THEN EXISTS (
                                        SELECT 1 FROM booking.bookings o
                                         WHERE o.resource_id = c.id AND o.status IN ('held', 'pending', 'confirmed')
                                           AND o.blocked && v_blocked
                                           AND NOT (o.status = 'held' AND o.hold_expires_at <= now()))
                                    END NULLS FIRST,
                                    CASE WHEN c.cap = 1 THEN (
                                        SELECT count(*) FROM booking.bookings o
                                         WHERE o.resource_id = c.id AND o.status IN ('held', 'pending', 'confirmed')
                                           AND o.blocked && tstzrange(p_starts_at - interval '12 hours',
                                                                      p_starts_at + interval '12 hours'))
                                    END NULLS FIRST,
                                    r.slug) AS k
                  FROM unnest(v_ids, v_caps) AS c(id, cap)
                  JOIN booking.resources r ON r.id = c.id) c;
    END IF;
    IF NOT v_moving THEN
        FOR i IN 1 .. cardinality(v_ids) LOOP
            v_counters[i] := CASE WHEN v_caps[i] >= 16 THEN internal.seat_cursor(v_ids[i], v_blocked) END;
        END LOOP;
    END IF;

    IF NOT v_open THEN
        PERFORM internal.fail_not_open(p_service.id, p_resource, v_closed);
    END IF;
    IF v_largest < p_seats THEN
        -- no resource could ever seat that many: an invalid request, not a taken slot
        PERFORM internal.fail_invalid('seats', format('at most %s seats fit in one booking here', v_largest));
    END IF;

    IF v_moving THEN
        -- Resource locks before the row lock (an expirer holding them may be updating this very hold).
        PERFORM internal.lock_resources(v_ids || p_move.resource_id);
        SELECT * INTO v_row FROM booking.bookings WHERE id = p_move.id FOR UPDATE;
        IF (v_row.resource_id, v_row.status, v_row.seats) IS DISTINCT FROM
           (p_move.resource_id, p_move.status, p_move.seats) THEN
            RAISE EXCEPTION USING ERRCODE = 'serialization_failure',
                MESSAGE = 'the booking changed while being moved; try again';
        END IF;
    ELSE
        v_row := p_fields;
        v_row.id := coalesce(p_fields.id, gen_random_uuid());
        v_row.service_id := p_service.id;
        v_row.starts_at := p_starts_at;
        v_row.ends_at := v_ends_at;
        v_row.buffer_before_minutes := p_service.buffer_before_minutes;
        v_row.buffer_after_minutes := p_service.buffer_after_minutes;
        v_row.price := p_service.price * p_seats;
        v_row.currency := p_service.currency;
        v_row.metadata := coalesce(p_fields.metadata, '{}');

        v_row.blocked := v_blocked;
    END IF;

    FOR v_phase IN 1 .. 2 LOOP
        CONTINUE WHEN v_phase = 1 AND v_moving;
        FOR i IN 1 .. cardinality(v_ids) LOOP
            LOOP
                IF v_phase = 1 THEN
                    v_seats := CASE WHEN v_caps[i] = 1 THEN '{[1,2)}'
                                    WHEN v_counters[i] IS NOT NULL
                                    THEN internal.advance_seat_cursor(v_counters[i], p_seats, v_caps[i]) END;
                ELSE
                    IF v_rounds = 0 THEN
                        -- One scanner per resource at a time (FIFO): at a sell-out, the buyers
                        -- past the counter queue here instead of all scanning at once.
                        PERFORM internal.lock_resources(v_ids);
                    END IF;
                    -- Each round means another buyer took the seats we chose: bounded by the seats.
                    v_rounds := v_rounds + 1;
                    IF v_rounds > 200 THEN
                        RAISE EXCEPTION USING ERRCODE = 'serialization_failure',
                            MESSAGE = 'seat allocation did not settle; try again';
                    END IF;
                    PERFORM internal.expire_lapsed_holds(v_ids, v_blocked);
                    v_seats := internal.allocate_seats(v_ids[i], v_blocked, p_seats, v_caps[i], p_move.id,
                                                       v_counters[i] IS NOT NULL);
                END IF;
                EXIT WHEN v_seats IS NULL;  -- counter passed the capacity, or too few seats free
                IF v_moving THEN
                    BEGIN  -- not on the hot path: a move is an UPDATE, which has no ON CONFLICT
                        UPDATE booking.bookings
                           SET starts_at = p_starts_at,
                               ends_at = v_ends_at,
                               resource_id = v_ids[i],
                               buffer_before_minutes = p_service.buffer_before_minutes,
                               buffer_after_minutes = p_service.buffer_after_minutes,
                               seats = v_seats
                         WHERE id = p_move.id
                        RETURNING * INTO v_row;
                        RETURN v_row;
                    EXCEPTION WHEN exclusion_violation THEN
                        NULL;  -- taken meanwhile: scan again
                    END;
                ELSE
                    v_row.resource_id := v_ids[i];
                    v_row.seats := v_seats;
                    v_result := internal.insert_booking(v_row);
                    IF v_result.id IS NOT NULL THEN
                        RETURN v_result;
                    END IF;
                END IF;
                EXIT WHEN v_phase = 1 AND v_caps[i] = 1;  -- a room has one seat to try
            END LOOP;
        END LOOP;
    END LOOP;

    PERFORM internal.conflict(p_service, p_starts_at, p_seats,
        format('slot %s is no longer available', p_starts_at));
    RETURN NULL;
END
$$;
