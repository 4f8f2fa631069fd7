-- Use the account token whose SHA-256 is p_token_hash for p_purpose, once: the token row
-- is marked used and its user returned. An unknown, used, expired or foreign-purpose
-- token, a disabled account or one whose address changed since: RB422 on token, with one
-- message for all of them (nothing tells which).
CREATE FUNCTION internal.redeem_account_token(p_token_hash text, p_purpose text) RETURNS booking.users
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_token booking.account_tokens;
    v_user booking.users;
BEGIN
    SELECT * INTO v_token FROM booking.account_tokens
     WHERE token_hash = p_token_hash AND purpose = p_purpose FOR UPDATE;
    IF FOUND AND v_token.used_at IS NULL AND v_token.expires_at > now() THEN
        SELECT * INTO v_user FROM booking.users
         WHERE id = v_token.user_id AND disabled_at IS NULL AND email = v_token.email FOR UPDATE;
    END IF;
    IF v_user.id IS NULL THEN
        PERFORM internal.fail_invalid('token', 'is not valid or has expired; ask for a new link');
    END IF;
    UPDATE booking.account_tokens SET used_at = now() WHERE id = v_token.id;
    RETURN v_user;
END
$$;
