-- POST /me/tokens: a new API token for p_actor, stored as the SHA-256 the edge computed
-- (p_token_hash) with its first characters (p_prefix) to recognise it by; it expires after
-- p_days (1-3650), or never when p_days is NULL. A name of 1-100 characters is required.
-- A disabled account gets none (RB401, trigger tg_tokens__account_enabled).
CREATE FUNCTION api.create_api_token(
    p_actor uuid, p_name text, p_token_hash text, p_prefix text, p_days integer DEFAULT NULL
) RETURNS TABLE (id uuid, name text, prefix text, created_at timestamptz, last_used_at timestamptz,
                 expires_at timestamptz)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
BEGIN
    IF length(trim(p_name)) NOT BETWEEN 1 AND 100 OR p_name IS NULL THEN
        PERFORM internal.fail_invalid('name', 'must be 1 to 100 characters');
    END IF;
    IF p_days NOT BETWEEN 1 AND 3650 THEN
        PERFORM internal.fail_invalid('expires_in_days', 'must be between 1 and 3650');
    END IF;
    RETURN QUERY
    INSERT INTO booking.api_tokens AS t (user_id, name, token_hash, prefix, expires_at)
    VALUES (p_actor, trim(p_name), p_token_hash, p_prefix, now() + make_interval(days => p_days))
    RETURNING t.id, t.name, t.prefix, t.created_at, t.last_used_at, t.expires_at;
END
$$;
