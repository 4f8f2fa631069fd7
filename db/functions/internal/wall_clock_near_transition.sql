-- internal.wall_clock for a local time near a change of UTC offset (see there).
-- PostgreSQL reads a local time that happens twice with the offset after the transition
-- (the later instant) and one inside a gap with the offset before it (an instant after
-- the jump); the jump itself is found by bisection between the two readings, to the
-- second (tz database transitions fall on whole seconds). plpgsql: its plans are cached.
CREATE FUNCTION internal.wall_clock_near_transition(p_local timestamp, p_zone text, p_closing boolean)
    RETURNS timestamptz
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    AS $$
DECLARE
    v_at timestamptz := p_local AT TIME ZONE p_zone;
    v_probe timestamptz;
    v_earlier timestamptz;
    v_offset interval;  -- the UTC offset in force at v_at
    v_lo bigint;        -- epoch seconds, still before the jump
    v_hi bigint;        -- epoch seconds, after it
    v_mid bigint;
BEGIN
    IF v_at AT TIME ZONE p_zone = p_local THEN
        IF p_closing THEN
            RETURN v_at;
        END IF;
        -- The earlier reading, with the offset in force a day before, if it shows p_local too.
        v_probe := v_at - interval '24 hours';
        v_earlier := (p_local - (v_probe AT TIME ZONE p_zone - v_probe AT TIME ZONE 'UTC')) AT TIME ZONE 'UTC';
        IF v_earlier < v_at AND v_earlier AT TIME ZONE p_zone = p_local THEN
            RETURN v_earlier;
        END IF;
        RETURN v_at;
    END IF;
    -- Inside a gap: v_at lies after the jump; p_local read with the offset after the jump
    -- lies before it.
    v_offset := v_at AT TIME ZONE p_zone - v_at AT TIME ZONE 'UTC';
    v_hi := extract(epoch FROM v_at)::bigint;
    v_lo := extract(epoch FROM (p_local - v_offset) AT TIME ZONE 'UTC')::bigint;
    WHILE v_hi - v_lo > 1 LOOP
        v_mid := (v_lo + v_hi) / 2;
        IF to_timestamp(v_mid) AT TIME ZONE p_zone - to_timestamp(v_mid) AT TIME ZONE 'UTC' = v_offset THEN
            v_hi := v_mid;
        ELSE
            v_lo := v_mid;
        END IF;
    END LOOP;
    RETURN to_timestamp(v_hi);
END
$$;
