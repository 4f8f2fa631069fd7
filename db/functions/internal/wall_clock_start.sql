-- The first real instant at which the wall clock of p_zone shows p_local.
--
-- On a fall-back day a local time inside the repeated hour happens twice, and
-- `p_local AT TIME ZONE p_zone` picks the later one (standard time): an opening window
-- starting inside the repeated hour (a rule 01:00-03:00 in New York on the first Sunday
-- of November) would lose its first real hour. This takes the earlier reading, made
-- with the UTC offset in force a day before, when that reading really shows p_local.
-- A local time that does not exist (spring-forward gap) keeps PostgreSQL's reading.
CREATE FUNCTION internal.wall_clock_start(p_local timestamp, p_zone text) RETURNS timestamptz
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
    SELECT CASE WHEN e.at AT TIME ZONE p_zone = p_local THEN least(e.at, d.at) ELSE d.at END
      FROM (SELECT p_local AT TIME ZONE p_zone AS at) d
     CROSS JOIN LATERAL (
        SELECT (p_local - ((d.at - interval '1 day') AT TIME ZONE p_zone
                           - (d.at - interval '1 day') AT TIME ZONE 'UTC')) AT TIME ZONE 'UTC' AS at
     ) e
$$;
