-- Choose p_count free seats of a multi-seat resource for a blocked range.
--
-- Fast path: a per-(resource, range) cursor, locked with its row, hands out the next
-- seats in O(1), so a filling session stays fast. Slow path (p_scan, or the cursor ran
-- past the capacity): take the first free seats of internal.free_seats, which fills
-- holes left by cancellations. A sold-out session fails fast: once the cursor is
-- exhausted, a look without the lock that finds too few seats returns at once instead of
-- queueing every late buyer on the cursor's lock. Returns NULL when not enough seats are
-- free. The exclusion constraint remains the guard: a wrong guess fails with 23P01.
CREATE FUNCTION internal.allocate_seats(
    p_resource uuid, p_blocked tstzrange, p_count integer, p_capacity integer,
    p_scan boolean DEFAULT false, p_ignore uuid DEFAULT NULL
) RETURNS int4multirange
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_next integer;
    v_free int4multirange;
    v_range int4range;
    v_need integer := p_count;
    v_take integer;
    v_result int4multirange := '{}';
    v_step integer := CASE WHEN p_scan THEN 0 ELSE p_count END;
BEGIN
    SELECT next_seat INTO v_next FROM booking.seat_cursors WHERE resource_id = p_resource AND during = p_blocked;
    IF (p_scan OR v_next + p_count - 1 > p_capacity)
       AND booking.multirange_size(internal.free_seats(p_resource, p_blocked, p_capacity, p_ignore)) < p_count THEN
        RETURN NULL;
    END IF;

    -- One statement takes the cursor's row lock (so buyers of one session take turns and
    -- never pick the same seats) and, on the fast path, advances it. A cursor pushed past
    -- the capacity just means "exhausted": the scan below decides from then on.
    INSERT INTO booking.seat_cursors AS c (resource_id, during, next_seat)
    VALUES (p_resource, p_blocked, 1 + v_step)
    ON CONFLICT (resource_id, during) DO UPDATE SET next_seat = c.next_seat + v_step
    RETURNING next_seat - v_step INTO v_next;
    IF NOT p_scan AND v_next + p_count - 1 <= p_capacity THEN
        RETURN int4multirange(int4range(v_next, v_next + p_count));
    END IF;

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
