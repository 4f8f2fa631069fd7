-- DELETE /me/tokens/{id}: revoke one of p_actor's own live API tokens. False when p_actor
-- has no such live token (someone else's token is not found either).
CREATE FUNCTION api.revoke_api_token(p_actor uuid, p_token uuid) RETURNS boolean
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
    WITH revoked AS (
        UPDATE booking.api_tokens SET revoked_at = now()
         WHERE id = p_token AND user_id = p_actor AND revoked_at IS NULL
        RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM revoked)
$$;
