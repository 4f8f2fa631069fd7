-- Real minutes a rule [p_start, p_end) of local day p_day is open in zone p_zone, read as
-- slot generation reads it (internal.wall_clock). For report.daily_utilization: SECURITY
-- DEFINER, so a reader of the view needs EXECUTE on this function only, not USAGE on the
-- schema internal that the inlined internal.wall_clock refers to.
CREATE FUNCTION internal.open_minutes(p_day date, p_start time, p_end time, p_zone text) RETURNS numeric
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog
    AS $$
    SELECT greatest(0, extract(epoch FROM internal.wall_clock(p_day + p_end, p_zone, true)
                                         - internal.wall_clock(p_day + p_start, p_zone, false)) / 60)
$$;
