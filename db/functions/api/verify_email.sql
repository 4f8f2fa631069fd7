-- POST /auth/verify-email: use a verification token once; the account's address (the one
-- the link was sent to) is verified. RB422 on token when it is unknown, used, expired,
-- retired or the address has changed since. Returns the account as api.me does.
CREATE FUNCTION api.verify_email(p_token_hash text) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v_user booking.users := internal.redeem_account_token(p_token_hash, 'verify_email');
BEGIN
    UPDATE booking.users SET email_verified_at = coalesce(email_verified_at, now()), updated_at = now()
     WHERE id = v_user.id;
    RETURN api.me(v_user.id);
END
$$;
