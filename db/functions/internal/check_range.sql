-- A slot query range must be bounded, ordered and at most 62 days long.
CREATE FUNCTION internal.check_range(p_from timestamptz, p_to timestamptz) RETURNS void
    LANGUAGE plpgsql STABLE  -- it raises: never IMMUTABLE, which the planner may run ahead of time
    AS $$
BEGIN
    IF p_from IS NULL THEN
        PERFORM internal.fail_invalid('from', 'is required');
    END IF;
    IF p_to IS NULL THEN
        PERFORM internal.fail_invalid('to', 'is required');
    END IF;
    IF p_to <= p_from THEN
        PERFORM internal.fail_invalid('to', 'must be after from');
    END IF;
    IF p_to - p_from > interval '62 days' THEN
        PERFORM internal.fail_invalid('to', 'the range may span at most 62 days');
    END IF;
END
$$;
