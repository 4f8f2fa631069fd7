-- POST /auth/refresh in one transaction: the token p_old_hash is rotated to p_new_hash (same
-- family, valid p_ttl_seconds) and its account returned with outcome 'ok'. A token already
-- rotated or revoked means a copy exists: its whole family is revoked ('reused'). An unknown
-- or expired token is 'unknown'; a disabled account's is 'disabled'. Only 'ok' returns the user.
CREATE FUNCTION api.rotate_refresh_token(p_old_hash text, p_new_hash text, p_ttl_seconds integer)
    RETURNS TABLE (outcome text, id uuid, email text, name text, role text, created_at timestamptz)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v_token booking.refresh_tokens;
    v_user booking.users;
BEGIN
    SELECT * INTO v_token FROM booking.refresh_tokens t WHERE t.token_hash = p_old_hash FOR UPDATE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'unknown', NULL::uuid, NULL::text, NULL::text, NULL::text, NULL::timestamptz;
        RETURN;
    END IF;
    IF v_token.rotated_at IS NOT NULL OR v_token.revoked_at IS NOT NULL THEN
        UPDATE booking.refresh_tokens t SET revoked_at = now()
         WHERE t.family_id = v_token.family_id AND t.revoked_at IS NULL;
        RETURN QUERY SELECT 'reused', NULL::uuid, NULL::text, NULL::text, NULL::text, NULL::timestamptz;
        RETURN;
    END IF;
    IF v_token.expires_at <= now() THEN
        RETURN QUERY SELECT 'unknown', NULL::uuid, NULL::text, NULL::text, NULL::text, NULL::timestamptz;
        RETURN;
    END IF;
    UPDATE booking.refresh_tokens t SET rotated_at = now() WHERE t.id = v_token.id;
    SELECT * INTO v_user FROM booking.users u WHERE u.id = v_token.user_id AND u.disabled_at IS NULL;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'disabled', NULL::uuid, NULL::text, NULL::text, NULL::text, NULL::timestamptz;
        RETURN;
    END IF;
    INSERT INTO booking.refresh_tokens (user_id, family_id, token_hash, expires_at)
    VALUES (v_token.user_id, v_token.family_id, p_new_hash, now() + make_interval(secs => p_ttl_seconds));
    RETURN QUERY SELECT 'ok', v_user.id, v_user.email::text, v_user.name, v_user.role::text, v_user.created_at;
END
$$;
