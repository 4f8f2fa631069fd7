-- Insert a blocking booking (held, pending or confirmed) for a validated request:
-- finds the resources open at that time (or checks the named one), tries them least
-- busy first, allocates seats, and lets the exclusion constraint decide. Raises RB409
-- with alternatives when every candidate is taken.
CREATE FUNCTION internal.place_booking(
    p_service booking.services,
    p_starts_at timestamptz,
    p_seats integer,
    p_resource uuid,
    p_fields booking.bookings
) RETURNS booking.bookings
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_candidate record;
    v_row booking.bookings := p_fields;
    v_seats int4multirange;
    v_open boolean := false;
    v_closed boolean := false;
    v_largest integer := 0;
    v_attempt integer;
BEGIN
    PERFORM internal.validate_slot_request(p_service, p_starts_at, p_seats);

    FOR v_candidate IN
        -- Free resources first (one index probe each), then the least busy that day, so a
        -- team shares the work; multi-seat resources skip both (the seat cursor decides).
        SELECT c.*,
               CASE WHEN c.capacity = 1 THEN EXISTS (
                   SELECT 1 FROM booking.bookings o
                    WHERE o.resource_id = c.resource_id AND o.status IN ('held', 'pending', 'confirmed')
                      AND o.blocked && c.blocked AND NOT (o.status = 'held' AND o.hold_expires_at <= now()))
               END AS taken,
               CASE WHEN c.capacity = 1 THEN (
                   SELECT count(*) FROM booking.bookings o
                    WHERE o.resource_id = c.resource_id AND o.status IN ('held', 'pending', 'confirmed')
                      AND o.blocked && tstzrange(c.starts_at - interval '12 hours', c.starts_at + interval '12 hours'))
               END AS load
          FROM internal.slot_candidates(p_service, p_starts_at, p_starts_at + interval '1 microsecond', false) c
          JOIN booking.resources r ON r.id = c.resource_id
         WHERE c.starts_at = p_starts_at AND (p_resource IS NULL OR c.resource_id = p_resource)
         ORDER BY taken NULLS FIRST, load NULLS FIRST, r.slug
    LOOP
        v_closed := v_closed OR v_candidate.state = 'closed';
        CONTINUE WHEN v_candidate.state = 'closed';
        v_open := true;
        v_largest := greatest(v_largest, v_candidate.capacity);
        CONTINUE WHEN v_candidate.capacity < p_seats;

        -- Lapsed holds in the way give way now rather than at the next expiry sweep.
        UPDATE booking.bookings SET status = 'expired'
         WHERE resource_id = v_candidate.resource_id
           AND status = 'held' AND hold_expires_at <= now()
           AND blocked && v_candidate.blocked;

        FOR v_attempt IN 1 .. CASE WHEN v_candidate.capacity = 1 THEN 1 ELSE 2 END LOOP
            BEGIN
                IF v_candidate.capacity = 1 THEN
                    v_seats := '{[1,2)}';
                ELSE
                    v_seats := internal.allocate_seats(v_candidate.resource_id, v_candidate.blocked,
                                                       p_seats, v_candidate.capacity, v_attempt > 1);
                    EXIT WHEN v_seats IS NULL;
                END IF;
                v_row.id := coalesce(p_fields.id, gen_random_uuid());
                v_row.service_id := p_service.id;
                v_row.resource_id := v_candidate.resource_id;
                v_row.starts_at := p_starts_at;
                v_row.ends_at := v_candidate.ends_at;
                v_row.buffer_before_minutes := p_service.buffer_before_minutes;
                v_row.buffer_after_minutes := p_service.buffer_after_minutes;
                v_row.seats := v_seats;
                v_row.price := p_service.price * p_seats;
                v_row.currency := p_service.currency;
                v_row.metadata := coalesce(p_fields.metadata, '{}');
                v_row.version := 1;
                v_row.created_at := now();
                v_row.updated_at := now();
                INSERT INTO booking.bookings
                    (id, service_id, resource_id, user_id, status, starts_at, ends_at,
                     buffer_before_minutes, buffer_after_minutes, blocked, seats, hold_expires_at,
                     attendee_name, attendee_email, attendee_phone, notes, metadata, price, currency,
                     idempotency_owner, idempotency_key, request_hash, manage_token_hash, created_by)
                VALUES
                    (v_row.id, v_row.service_id, v_row.resource_id, v_row.user_id, v_row.status,
                     v_row.starts_at, v_row.ends_at, v_row.buffer_before_minutes, v_row.buffer_after_minutes,
                     v_candidate.blocked, v_row.seats, v_row.hold_expires_at, v_row.attendee_name,
                     v_row.attendee_email, v_row.attendee_phone, v_row.notes, v_row.metadata, v_row.price,
                     v_row.currency, v_row.idempotency_owner, v_row.idempotency_key, v_row.request_hash,
                     v_row.manage_token_hash, v_row.created_by)
                RETURNING * INTO v_row;
                RETURN v_row;
            EXCEPTION WHEN exclusion_violation THEN
                NULL;  -- taken meanwhile: rescan seats once, then the next resource
            END;
        END LOOP;
    END LOOP;

    IF NOT v_open THEN
        PERFORM internal.fail_not_open(p_service.id, p_resource, v_closed);
    END IF;
    IF v_largest < p_seats THEN
        -- no resource could ever seat that many: an invalid request, not a taken slot
        PERFORM internal.fail_invalid('seats', format('at most %s seats fit in one booking here', v_largest));
    END IF;
    PERFORM internal.conflict(p_service, p_starts_at, p_seats,
        format('slot %s is no longer available', p_starts_at));
    RETURN NULL;
END
$$;
