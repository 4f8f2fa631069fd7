-- Sign p_user out everywhere except the sign-in (refresh-token family) of p_keep_hash, if
-- given: every other refresh token is revoked and access tokens issued before this second
-- are refused (api.caller compares the tokens' whole-second iat). Returns the number of
-- sign-ins revoked.
CREATE FUNCTION internal.revoke_sessions(p_user uuid, p_keep_hash text DEFAULT NULL) RETURNS integer
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_keep uuid;
    v_count integer;
BEGIN
    IF p_keep_hash IS NOT NULL THEN
        SELECT family_id INTO v_keep FROM booking.refresh_tokens
         WHERE token_hash = p_keep_hash AND user_id = p_user AND revoked_at IS NULL AND rotated_at IS NULL;
    END IF;
    WITH revoked AS (
        UPDATE booking.refresh_tokens SET revoked_at = now()
         WHERE user_id = p_user AND revoked_at IS NULL AND family_id IS DISTINCT FROM v_keep
        RETURNING family_id)
    SELECT count(DISTINCT family_id) INTO v_count FROM revoked;
    -- a token issued in this second (the kept sign-in's next one) stays valid
    UPDATE booking.users SET credentials_revoked_at = date_trunc('second', clock_timestamp()) - interval '1 microsecond',
                             updated_at = now()
     WHERE id = p_user;
    RETURN v_count;
END
$$;
