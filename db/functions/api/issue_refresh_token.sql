-- Store a new refresh token (its SHA-256) for a sign-in: a new family, valid p_ttl_seconds.
-- A disabled account gets none (RB401, trigger refresh_tokens_account_enabled).
CREATE FUNCTION api.issue_refresh_token(p_user uuid, p_token_hash text, p_ttl_seconds integer) RETURNS void
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
    INSERT INTO booking.refresh_tokens (user_id, family_id, token_hash, expires_at)
    VALUES (p_user, gen_random_uuid(), p_token_hash, now() + make_interval(secs => p_ttl_seconds))
$$;
