-- Count one request of p_bucket by p_key (e.g. 'holds', '203.0.113.7') in a fixed window of
-- p_window_seconds shared by every edge process, and return the count so far, this one
-- included. Over p_limit it raises RB429 with the seconds until the window ends (the
-- refused request is not counted: the window never grows); with p_raise => false it only
-- counts (a failed sign-in is answered 401 and counted here).
CREATE FUNCTION api.rate_limit(
    p_bucket text,
    p_key text,
    p_limit integer,
    p_window_seconds integer,
    p_raise boolean DEFAULT true
) RETURNS integer
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v_row booking.rate_limits;
BEGIN
    IF p_bucket IS NULL OR p_key IS NULL THEN
        PERFORM internal.fail_invalid('key', 'bucket and key are required');
    END IF;
    IF p_limit IS NULL OR p_limit < 1 OR p_window_seconds IS NULL OR p_window_seconds < 1 THEN
        PERFORM internal.fail_invalid('limit', 'must be a positive count in a positive number of seconds');
    END IF;
    INSERT INTO booking.rate_limits AS r (bucket, key, hits, window_start, window_end)
    VALUES (p_bucket, left(p_key, 600), 1, now(), now() + make_interval(secs => p_window_seconds))
    ON CONFLICT (bucket, key) DO UPDATE SET
        hits = CASE WHEN r.window_end <= now() THEN 1 ELSE r.hits + 1 END,
        window_start = CASE WHEN r.window_end <= now() THEN now() ELSE r.window_start END,
        window_end = CASE WHEN r.window_end <= now() THEN now() + make_interval(secs => p_window_seconds)
                          ELSE r.window_end END
    RETURNING * INTO v_row;
    IF random() < 0.01 THEN
        PERFORM internal.sweep_rate_limits();
    END IF;
    IF p_raise AND v_row.hits > p_limit THEN
        PERFORM internal.fail_rate_limited(p_bucket, v_row.window_end);
    END IF;
    RETURN v_row.hits;
END
$$;
