-- The slot starts of one opening window [p_opens, p_closes) in [p_from, p_to): steps of
-- the service's slot step from the opening instant, as long as the service fits before
-- closing, on the 15-minute grid. The series starts at the first step at or after p_from
-- and stops at p_to, so a narrow range (one start, when booking) costs one step, not the
-- whole day's. Shared by internal.slot_candidates and internal.place_booking (inlined).
CREATE FUNCTION internal.window_starts(
    p_service booking.services, p_opens timestamptz, p_closes timestamptz, p_from timestamptz, p_to timestamptz)
    RETURNS SETOF timestamptz
    LANGUAGE sql STABLE
    AS $$
    SELECT s.at
      FROM generate_series(
               p_opens + make_interval(mins => p_service.slot_step_minutes * greatest(0, ceil(
                   extract(epoch FROM p_from - p_opens) / (60 * p_service.slot_step_minutes)))::integer),
               least(p_closes - make_interval(mins => p_service.duration_minutes), p_to),
               make_interval(mins => p_service.slot_step_minutes)) AS s(at)
     WHERE s.at >= p_from AND s.at < p_to AND extract(epoch FROM s.at) % 900 = 0
$$;
