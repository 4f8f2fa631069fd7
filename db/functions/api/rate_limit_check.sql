-- Raise RB429 when p_key has already used p_limit requests of p_bucket in its current
-- window; counts nothing (the sign-in limiter checks before hashing, counts failures after).
-- p_limit NULL: no limit.
CREATE FUNCTION api.rate_limit_check(p_bucket text, p_key text, p_limit integer) RETURNS void
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v_until timestamptz;
BEGIN
    IF p_limit IS NULL THEN
        RETURN;
    END IF;
    SELECT window_end INTO v_until FROM booking.rate_limits
     WHERE bucket = p_bucket AND key = left(p_key, 600) AND window_end > now() AND hits >= p_limit;
    IF FOUND THEN
        PERFORM internal.fail_rate_limited(p_bucket, v_until);
    END IF;
END
$$;
