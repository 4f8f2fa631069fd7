-- Store a single-use account token (its SHA-256; the edge derives the token itself from
-- BOOKER_SECRET and p_token_id, as the worker does for the link) for p_user's current
-- address, retire that user's earlier unused tokens of the same purpose, and queue the
-- email (kind 'account_' || purpose) in the outbox. The payload names the token's id,
-- never the token.
CREATE FUNCTION internal.issue_account_token(
    p_user booking.users, p_purpose text, p_token_id uuid, p_token_hash text, p_ttl_seconds integer
) RETURNS void
    LANGUAGE plpgsql VOLATILE
    AS $$
BEGIN
    IF p_ttl_seconds IS NULL OR p_ttl_seconds NOT BETWEEN 60 AND 7 * 86400 THEN
        PERFORM internal.fail_invalid('ttl_seconds', 'must be between 60 and 604800');
    END IF;
    UPDATE booking.account_tokens SET used_at = now()
     WHERE user_id = p_user.id AND purpose = p_purpose AND used_at IS NULL;
    INSERT INTO booking.account_tokens (id, user_id, purpose, email, token_hash, expires_at)
    VALUES (p_token_id, p_user.id, p_purpose, p_user.email, p_token_hash,
            now() + make_interval(secs => p_ttl_seconds));
    INSERT INTO booking.notification_log (user_id, kind, recipient, payload, message_id)
    VALUES (p_user.id, 'account_' || p_purpose, p_user.email,
            jsonb_build_object('token_id', p_token_id, 'purpose', p_purpose, 'name', p_user.name,
                               'email', p_user.email, 'expires_at', now() + make_interval(secs => p_ttl_seconds)),
            '<' || gen_random_uuid() || '@booker>');
END
$$;
