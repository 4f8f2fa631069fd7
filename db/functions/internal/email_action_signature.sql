-- The signature of an email action link: HMAC-SHA256 under the database's 'email_action'
-- secret (booking.server_secrets) of "email-action:<booking>:<action>:<expiry epoch>",
-- base64url without padding (43 characters).
CREATE FUNCTION internal.email_action_signature(p_booking uuid, p_action text, p_expires bigint) RETURNS text
    LANGUAGE sql STABLE
    AS $$
    SELECT translate(rtrim(encode(internal.hmac_sha256(
               s.secret, convert_to(format('email-action:%s:%s:%s', p_booking, p_action, p_expires), 'UTF8')),
               'base64'), '='), '+/', '-_')
      FROM booking.server_secrets s
     WHERE s.name = 'email_action'
$$;
