-- Choose p_count free seats of a multi-seat resource for a blocked range.
--
-- Fast path: the seats are split into stripes (up to 16, of at least 64 seats), each
-- with a cursor row in booking.seat_cursors. A buyer locks any stripe nobody else holds
-- (FOR UPDATE SKIP LOCKED) that still has room and takes its next seats in O(1), so a
-- filling session stays fast and up to 16 buyers proceed at once.
-- Holes (cancellations, stripe ends too short for the request) are found by a scan:
-- the free seats minus the unallocated tails of stripes with room, which stay reserved
-- for the fast path so a scan never races a cursor for a seat; scans run one at a time
-- per session (advisory lock). When neither finds seats but stripes with room exist (all
-- held by other buyers), the buyer waits for one, in stripe order (a row that fills up
-- while we wait stays locked as we move on, so waiters must lock in one order).
-- A sold-out session answers without any lock. p_scan (a retry after 23P01, or a
-- reschedule, whose own seats p_ignore does not count) considers every free seat.
-- Returns NULL when not enough seats are free. The exclusion constraint remains the guard.
CREATE FUNCTION internal.allocate_seats(
    p_resource uuid, p_blocked tstzrange, p_count integer, p_capacity integer,
    p_scan boolean DEFAULT false, p_ignore uuid DEFAULT NULL
) RETURNS int4multirange
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_stripes integer := greatest(1, least(16, p_capacity / 64));
    v_width integer := ceil(p_capacity::numeric / greatest(1, least(16, p_capacity / 64)));
    v_cursor booking.seat_cursors;
    v_reserved int4multirange := '{}';
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
        -- A stripe with room that nobody holds, starting from a different one per session.
        SELECT * INTO v_cursor FROM booking.seat_cursors
         WHERE resource_id = p_resource AND during = p_blocked AND next_seat + p_count - 1 <= last_seat
         ORDER BY (stripe + pg_backend_pid()) % v_stripes
         LIMIT 1
           FOR UPDATE SKIP LOCKED;
        IF v_cursor.stripe IS NOT NULL THEN
            RETURN internal.advance_seat_cursor(v_cursor, p_count);
        END IF;
        SELECT coalesce(range_agg(int4range(next_seat, last_seat + 1)), '{}') INTO v_reserved
          FROM booking.seat_cursors
         WHERE resource_id = p_resource AND during = p_blocked AND next_seat + p_count - 1 <= last_seat;
    END IF;

    -- Holes: a look without any lock first, so a sold-out session fails fast.
    IF booking.multirange_size(internal.free_seats(p_resource, p_blocked, p_capacity, p_ignore) - v_reserved)
       >= p_count THEN
        PERFORM pg_advisory_xact_lock(hashtextextended(p_resource::text || p_blocked::text, 0));
        v_free := internal.free_seats(p_resource, p_blocked, p_capacity, p_ignore) - v_reserved;
        FOR v_range IN SELECT r FROM unnest(v_free) AS r ORDER BY lower(r) LOOP
            v_take := least(v_need, upper(v_range) - lower(v_range));
            v_result := v_result + int4multirange(int4range(lower(v_range), lower(v_range) + v_take));
            v_need := v_need - v_take;
            EXIT WHEN v_need = 0;
        END LOOP;
        IF v_need = 0 THEN
            RETURN v_result;
        END IF;
    END IF;

    IF NOT p_scan AND NOT isempty(v_reserved) THEN
        -- Every stripe with room is held by another buyer: wait for one, in stripe order.
        SELECT * INTO v_cursor FROM booking.seat_cursors
         WHERE resource_id = p_resource AND during = p_blocked AND next_seat + p_count - 1 <= last_seat
         ORDER BY stripe
         LIMIT 1
           FOR UPDATE;
        IF v_cursor.stripe IS NOT NULL THEN
            RETURN internal.advance_seat_cursor(v_cursor, p_count);
        END IF;
    END IF;
    RETURN NULL;
END
$$;
