-- POST /auth/password-reset: when p_email names an enabled account, store a reset token
-- (its hash; valid p_ttl_seconds, default one hour; earlier unused ones retired) and queue
-- the email with the link. The same (empty) answer whether or not the account exists.
CREATE FUNCTION api.request_password_reset(
    p_email text, p_token_id uuid, p_token_hash text, p_ttl_seconds integer DEFAULT 3600
) RETURNS void
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v_user booking.users;
BEGIN
    SELECT * INTO v_user FROM booking.users
     WHERE lower(email) = lower(trim(p_email)) AND disabled_at IS NULL;
    IF v_user.id IS NOT NULL THEN
        PERFORM internal.issue_account_token(v_user, 'password_reset', p_token_id, p_token_hash, p_ttl_seconds);
    END IF;
END
$$;
