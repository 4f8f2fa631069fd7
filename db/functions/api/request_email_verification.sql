-- At registration and on POST /me/verify-email: store a verification token (its hash;
-- valid p_ttl_seconds, default two days) for the account's current address and queue the
-- email with the link. False, and nothing queued, when the address is already verified.
CREATE FUNCTION api.request_email_verification(
    p_user uuid, p_token_id uuid, p_token_hash text, p_ttl_seconds integer DEFAULT 172800
) RETURNS boolean
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v_user booking.users;
BEGIN
    SELECT * INTO v_user FROM booking.users WHERE id = p_user AND disabled_at IS NULL FOR UPDATE;
    IF v_user.id IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'RB401', MESSAGE = 'this account no longer exists';
    END IF;
    IF v_user.email_verified_at IS NOT NULL THEN
        RETURN false;
    END IF;
    PERFORM internal.issue_account_token(v_user, 'verify_email', p_token_id, p_token_hash, p_ttl_seconds);
    RETURN true;
END
$$;
