-- Every slot of a service that starts in [p_from, p_to), per resource, with its state.
--
-- Slots are generated in real time, not wall-clock time: each rule's local window
-- [day + start_time, day + end_time) is converted to instants in the resource's zone by
-- internal.wall_clock (the one reading of wall-clock windows on transition days: see
-- docs/sql-api.md; internal.opening_windows) and stepped through by the slot step from
-- the real opening instant (internal.window_starts). internal.place_booking reads the
-- same two functions for the one start it books.
-- A spring-forward day therefore never yields a slot at a local time that does not
-- exist nor one past closing time, and a fall-back day yields each real instant once
-- (a 25-hour day has 25 hours of slots, a 23-hour day 23).
-- Local days are dates (date + time is a timestamp without time zone) and every
-- conversion names the resource's zone, so the session's TimeZone changes nothing.
-- "max_advance_days" days are that many 24-hour days from now.
--
-- state: available | booked | past | too_soon | too_far | closed
-- seats_left: seats free on this resource for the whole blocked range
-- (capacity minus the union of seats held by blocking bookings; lapsed holds ignored).
--
-- Cost: each rule yields only the days it applies to (its weekday, within its validity
-- and the range). For capacity-1 resources the blocking bookings and closures of the
-- whole range are folded into one multirange per resource, so each slot costs one
-- in-memory overlap test, not an index probe; multi-seat resources count seats per slot.
CREATE FUNCTION internal.slot_candidates(
    p_service booking.services, p_from timestamptz, p_to timestamptz)
    RETURNS TABLE (
        resource_id uuid,
        starts_at   timestamptz,
        ends_at     timestamptz,
        blocked     tstzrange,
        capacity    integer,
        seats_left  integer,
        state       text
    )
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
    SET jit = off
    AS $$
#variable_conflict use_column
BEGIN
    -- plpgsql so the plan is cached across calls (a SQL table function is planned anew each time);
    -- no JIT: the row estimates of generate_series are far too high, and compiling the plan
    -- took seconds for a query that runs in milliseconds.
    RETURN QUERY
    WITH res AS (
        SELECT r.id, r.capacity, r.timezone
        FROM booking.service_resources sr
        JOIN booking.resources r ON r.id = sr.resource_id
        WHERE sr.service_id = p_service.id AND r.active
    ),
    slots AS (
        SELECT DISTINCT res.id AS resource_id, s.at AS starts_at
        FROM res
        CROSS JOIN LATERAL internal.opening_windows(p_service, res.id, res.timezone, p_from, p_to) w
        CROSS JOIN LATERAL internal.window_starts(p_service, w.opens, w.closes, p_from, p_to) AS s(at)
    ),
    -- Everything that could touch a slot in the range: bookings last at most 8 hours
    -- and buffers at most 8 hours either side.
    span AS (
        SELECT tstzrange(p_from - interval '24 hours', p_to + interval '24 hours') AS r
    ),
    busy AS (
        SELECT res.id AS resource_id, range_agg(bk.blocked) AS blocked
        FROM res
        JOIN booking.bookings bk ON bk.resource_id = res.id
        CROSS JOIN span
        WHERE res.capacity = 1
          AND bk.status IN ('held', 'pending', 'confirmed')
          AND bk.blocked && span.r
          AND NOT (bk.status = 'held' AND bk.hold_expires_at <= now())
        GROUP BY res.id
    ),
    closed AS (
        SELECT res.id AS resource_id, range_agg(c.during) AS during
        FROM res
        JOIN booking.closures c ON c.resource_id = res.id
        CROSS JOIN span
        WHERE c.during && span.r
        GROUP BY res.id
    )
    SELECT sl.resource_id,
           sl.starts_at,
           sl.starts_at + make_interval(mins => p_service.duration_minutes),
           b.blocked,
           res.capacity,
           CASE WHEN b.closed THEN 0 ELSE res.capacity - taken.seats END,
           CASE
               WHEN sl.starts_at < now() THEN 'past'
               WHEN sl.starts_at < now() + make_interval(mins => p_service.min_notice_minutes) THEN 'too_soon'
               WHEN sl.starts_at > now() + make_interval(hours => 24 * p_service.max_advance_days) THEN 'too_far'
               WHEN b.closed THEN 'closed'
               WHEN res.capacity - taken.seats < 1 THEN 'booked'
               ELSE 'available'
           END
    FROM slots sl
    JOIN res ON res.id = sl.resource_id
    LEFT JOIN busy ON busy.resource_id = sl.resource_id
    LEFT JOIN closed ON closed.resource_id = sl.resource_id
    CROSS JOIN LATERAL (
        SELECT tstzrange(
                   sl.starts_at - make_interval(mins => p_service.buffer_before_minutes),
                   sl.starts_at + make_interval(mins => p_service.duration_minutes + p_service.buffer_after_minutes)
               ) AS blocked,
               coalesce(closed.during && tstzrange(
                   sl.starts_at, sl.starts_at + make_interval(mins => p_service.duration_minutes)), false) AS closed
    ) b
    CROSS JOIN LATERAL (
        SELECT CASE
                   WHEN res.capacity = 1 THEN CASE WHEN busy.blocked && b.blocked THEN 1 ELSE 0 END
                   ELSE res.capacity - booking.multirange_size(
                            internal.free_seats(sl.resource_id, b.blocked, res.capacity))
               END AS seats
    ) taken;
END
$$;
