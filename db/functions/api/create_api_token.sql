-- POST /me/tokens: a new API token for p_actor, stored as the SHA-256 the edge computed
-- (p_token_hash) with its first characters (p_prefix) to recognise it by; p_days NULL
-- never expires. A disabled account gets none (RB401, trigger tg_tokens__account_enabled).
CREATE FUNCTION api.create_api_token(
    p_actor uuid, p_name text, p_token_hash text, p_prefix text, p_days integer DEFAULT NULL
) RETURNS TABLE (id uuid, name text, prefix text, created_at timestamptz, last_used_at timestamptz,
                 expires_at timestamptz)
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
    INSERT INTO booking.api_tokens AS t (user_id, name, token_hash, prefix, expires_at)
    VALUES (p_actor, p_name, p_token_hash, p_prefix, now() + make_interval(days => p_days))
    RETURNING t.id, t.name, t.prefix, t.created_at, t.last_used_at, t.expires_at
$$;
