-- POST /me/password: the signed-in member's new password hash (the edge has checked the
-- current password and the new one's strength, and hashed it). Every other sign-in is
-- revoked; the one of p_keep_refresh_hash (the caller's refresh cookie) stays. Returns
-- the number of sign-ins revoked.
CREATE FUNCTION api.change_password(p_actor uuid, p_password_hash text, p_keep_refresh_hash text DEFAULT NULL)
    RETURNS integer
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
BEGIN
    UPDATE booking.users SET password_hash = p_password_hash, updated_at = now()
     WHERE id = p_actor AND disabled_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'RB401', MESSAGE = 'this account no longer exists';
    END IF;
    UPDATE booking.account_tokens SET used_at = now()
     WHERE user_id = p_actor AND purpose = 'password_reset' AND used_at IS NULL;
    RETURN internal.revoke_sessions(p_actor, p_keep_refresh_hash);
END
$$;
