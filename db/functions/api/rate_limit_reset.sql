-- Forget p_key's count in p_bucket (a successful sign-in clears its failures).
CREATE FUNCTION api.rate_limit_reset(p_bucket text, p_key text) RETURNS void
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$ DELETE FROM booking.rate_limits WHERE bucket = p_bucket AND key = left(p_key, 600) $$;
