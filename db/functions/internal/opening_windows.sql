-- The opening windows of one resource of a service that may hold a slot starting in
-- [p_from, p_to): a one-off event's fixed window, else each weekly rule on each local date
-- it applies to (its weekday, within its validity; the range's dates and the day before),
-- converted to instants in the resource's zone by internal.wall_clock.
-- The one reading of opening hours, shared by internal.slot_candidates (every slot of a
-- range) and internal.place_booking (the resources open at one start). A SQL function
-- the planner inlines into both, so it costs no call.
CREATE FUNCTION internal.opening_windows(
    p_service booking.services, p_resource uuid, p_timezone text, p_from timestamptz, p_to timestamptz)
    RETURNS TABLE (opens timestamptz, closes timestamptz)
    LANGUAGE sql STABLE
    AS $$
    SELECT lower(p_service.fixed_window), upper(p_service.fixed_window)
     WHERE p_service.fixed_window IS NOT NULL
    UNION ALL
    SELECT internal.wall_clock(span.first_day + n + ar.start_time, p_timezone, false),
           internal.wall_clock(span.first_day + n + ar.end_time, p_timezone, true)
      FROM booking.availability_rules ar
     CROSS JOIN LATERAL (
        SELECT greatest((p_from AT TIME ZONE p_timezone)::date - 1, ar.valid_from) AS first_day,
               least((p_to AT TIME ZONE p_timezone)::date, ar.valid_until) AS last_day
     ) span
     CROSS JOIN LATERAL generate_series(
        (ar.weekday - extract(isodow FROM span.first_day)::integer + 7) % 7,
        span.last_day - span.first_day,
        7) AS n
     WHERE p_service.fixed_window IS NULL AND ar.resource_id = p_resource
$$;
