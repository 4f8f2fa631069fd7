-- Raise RB429 (too many requests) for a limit that lifts at p_until.
-- DETAIL is JSON {"retry_after": <seconds>, "limit": <bucket>}: the edge sends Retry-After.
CREATE FUNCTION internal.fail_rate_limited(p_bucket text, p_until timestamptz) RETURNS void
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_wait integer := greatest(1, ceil(extract(epoch FROM p_until - clock_timestamp()))::integer);
BEGIN
    RAISE EXCEPTION USING
        ERRCODE = 'RB429',
        MESSAGE = CASE p_bucket
            WHEN 'login' THEN 'too many failed sign-ins for this account from your address'
            WHEN 'login-address' THEN 'too many failed sign-ins from your address'
            WHEN 'open-holds' THEN 'too many open holds; book or release one first'
            ELSE 'too many requests (' || p_bucket || ') from your address'
        END || format('; try again in %s seconds', v_wait),
        DETAIL = jsonb_build_object('retry_after', v_wait, 'limit', p_bucket)::text;
END
$$;
