-- Choose p_count free seats of a multi-seat resource for a blocked range.
--
-- Fast path: the seats are split into stripes (up to 16, of at least 64 seats), each
-- with a cursor row in booking.seat_cursors. A buyer locks any stripe nobody else holds
-- (FOR UPDATE SKIP LOCKED) that still has room and takes its next seats in O(1), so a
-- filling session stays fast and up to 16 buyers proceed at once; when every stripe with
-- room is held, a buyer polls for one with a short back-off. Slow path (p_scan, or the stripes are
-- exhausted): take the first free seats of internal.free_seats, which fills holes left
-- by cancellations and stripe ends, one scan at a time per session (advisory lock). A
-- sold-out session fails fast, without any lock. Returns NULL when not enough seats are
-- free. The exclusion constraint remains the guard: a wrong guess fails with 23P01.
CREATE FUNCTION internal.allocate_seats(
    p_resource uuid, p_blocked tstzrange, p_count integer, p_capacity integer,
    p_scan boolean DEFAULT false, p_ignore uuid DEFAULT NULL
) RETURNS int4multirange
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_stripes integer := greatest(1, least(16, p_capacity / 64));
    v_width integer := ceil(p_capacity::numeric / greatest(1, least(16, p_capacity / 64)));
    v_cursor booking.seat_cursors;
    v_try integer;
    v_free int4multirange;
    v_range int4range;
    v_need integer := p_count;
    v_take integer;
    v_result int4multirange := '{}';
BEGIN
    IF NOT p_scan THEN
        IF NOT EXISTS (SELECT 1 FROM booking.seat_cursors WHERE resource_id = p_resource AND during = p_blocked) THEN
            INSERT INTO booking.seat_cursors (resource_id, during, stripe, next_seat, last_seat)
            SELECT p_resource, p_blocked, s, s * v_width + 1, least((s + 1) * v_width, p_capacity)
              FROM generate_series(0, v_stripes - 1) AS s
            ON CONFLICT DO NOTHING;
        END IF;
        -- A stripe with room that nobody holds, starting from a different one for each
        -- session. When every stripe with room is held, poll briefly instead of queueing
        -- on a row lock: a queue of waiters on one row is served one commit at a time.
        FOR v_try IN 1 .. 200 LOOP
            SELECT * INTO v_cursor FROM booking.seat_cursors
             WHERE resource_id = p_resource AND during = p_blocked AND next_seat + p_count - 1 <= last_seat
             ORDER BY (stripe + pg_backend_pid()) % v_stripes
             LIMIT 1
               FOR UPDATE SKIP LOCKED;
            EXIT WHEN v_cursor.stripe IS NOT NULL OR NOT EXISTS (
                SELECT 1 FROM booking.seat_cursors
                 WHERE resource_id = p_resource AND during = p_blocked AND next_seat + p_count - 1 <= last_seat);
            PERFORM pg_sleep(0.001 * v_try);
        END LOOP;
        IF v_cursor.stripe IS NOT NULL THEN
            UPDATE booking.seat_cursors SET next_seat = next_seat + p_count
             WHERE resource_id = p_resource AND during = p_blocked AND stripe = v_cursor.stripe;
            RETURN int4multirange(int4range(v_cursor.next_seat, v_cursor.next_seat + p_count));
        END IF;
    END IF;

    -- Exhausted stripes or a retry: a sold-out session answers without taking any lock.
    IF booking.multirange_size(internal.free_seats(p_resource, p_blocked, p_capacity, p_ignore)) < p_count THEN
        RETURN NULL;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended(p_resource::text || p_blocked::text, 0));
    v_free := internal.free_seats(p_resource, p_blocked, p_capacity, p_ignore);
    FOR v_range IN SELECT r FROM unnest(v_free) AS r ORDER BY lower(r) LOOP
        v_take := least(v_need, upper(v_range) - lower(v_range));
        v_result := v_result + int4multirange(int4range(lower(v_range), lower(v_range) + v_take));
        v_need := v_need - v_take;
        EXIT WHEN v_need = 0;
    END LOOP;
    IF v_need > 0 THEN
        RETURN NULL;
    END IF;
    RETURN v_result;
END
$$;
