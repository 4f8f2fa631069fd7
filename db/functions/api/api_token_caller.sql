-- Who an API token acts for: (user_id, role) of a live token (not revoked, not expired)
-- of an account that is not disabled; no row otherwise. Notes its use in last_used_at
-- (at most once a minute, so a busy token does not write on every request).
CREATE FUNCTION api.api_token_caller(p_token_hash text) RETURNS TABLE (user_id uuid, role text)
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
    WITH live AS (
        SELECT t.id, t.last_used_at, u.id AS user_id, u.role::text AS role
          FROM booking.api_tokens t JOIN booking.users u ON u.id = t.user_id
         WHERE t.token_hash = p_token_hash AND t.revoked_at IS NULL
           AND (t.expires_at IS NULL OR t.expires_at > now()) AND u.disabled_at IS NULL
    ), touched AS (
        UPDATE booking.api_tokens t SET last_used_at = now()
          FROM live
         WHERE t.id = live.id AND (live.last_used_at IS NULL OR live.last_used_at < now() - interval '1 minute')
    )
    SELECT user_id, role FROM live
$$;
