-- GET /me/tokens: the live API tokens of p_actor (not revoked, not expired), newest first;
-- the secret itself is never stored, only its SHA-256 and the first characters (prefix).
CREATE FUNCTION api.api_tokens(p_actor uuid)
    RETURNS TABLE (id uuid, name text, prefix text, created_at timestamptz, last_used_at timestamptz,
                   expires_at timestamptz)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
    SELECT t.id, t.name, t.prefix, t.created_at, t.last_used_at, t.expires_at
      FROM booking.api_tokens t
     WHERE t.user_id = p_actor AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())
     ORDER BY t.created_at DESC
$$;
