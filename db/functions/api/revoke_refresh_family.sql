-- POST /auth/logout: revoke every token of the sign-in (family) p_token_hash belongs to;
-- nothing for an unknown token. True when a live token was revoked.
CREATE FUNCTION api.revoke_refresh_family(p_token_hash text) RETURNS boolean
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
    WITH revoked AS (
        UPDATE booking.refresh_tokens SET revoked_at = now()
         WHERE revoked_at IS NULL
           AND family_id = (SELECT family_id FROM booking.refresh_tokens WHERE token_hash = p_token_hash)
        RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM revoked)
$$;
