-- POST /auth/password-reset/confirm: use a reset token once to set a new password hash
-- (argon2, made by the edge). Every sign-in of the account is revoked, and the address
-- counts as verified (the link reached it). RB422 on token when it is unknown, used,
-- expired or retired. Returns the account's id.
CREATE FUNCTION api.reset_password(p_token_hash text, p_password_hash text) RETURNS uuid
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v_user booking.users := internal.redeem_account_token(p_token_hash, 'password_reset');
BEGIN
    PERFORM internal.set_actor(v_user.id);
    UPDATE booking.users
       SET password_hash = p_password_hash, email_verified_at = coalesce(email_verified_at, now()),
           updated_at = now()
     WHERE id = v_user.id;
    UPDATE booking.account_tokens SET used_at = now()
     WHERE user_id = v_user.id AND purpose = 'password_reset' AND used_at IS NULL;
    PERFORM internal.revoke_sessions(v_user.id);
    RETURN v_user.id;
END
$$;
