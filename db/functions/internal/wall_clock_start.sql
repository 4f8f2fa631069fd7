-- The first real instant at which the wall clock of p_zone shows p_local.
--
-- On a fall-back day a local time inside the repeated hour happens twice, and
-- `p_local AT TIME ZONE p_zone` picks the later one (standard time): an opening window
-- starting inside the repeated hour (a rule 01:00-03:00 in New York on the first Sunday
-- of November) would lose its first real hour. This takes the earlier reading, made
-- with the UTC offset in force a day before, when that reading really shows p_local.
-- A local time that does not exist (spring-forward gap) keeps PostgreSQL's reading.
-- plpgsql rather than SQL: its plan is cached, where a non-inlined SQL function with a
-- subquery is planned on every call (it dominated slot_grid's time).
CREATE FUNCTION internal.wall_clock_start(p_local timestamp, p_zone text) RETURNS timestamptz
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    AS $$
DECLARE
    v_standard timestamptz := p_local AT TIME ZONE p_zone;
    v_day_before timestamptz := v_standard - interval '1 day';
    v_earlier timestamptz;
BEGIN
    v_earlier := (p_local - (v_day_before AT TIME ZONE p_zone - v_day_before AT TIME ZONE 'UTC')) AT TIME ZONE 'UTC';
    IF v_earlier AT TIME ZONE p_zone = p_local THEN
        RETURN least(v_earlier, v_standard);
    END IF;
    RETURN v_standard;
END
$$;
