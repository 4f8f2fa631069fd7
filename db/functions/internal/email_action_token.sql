-- A signed, single-purpose link token: "<booking id>.<confirm|decline>.<expiry epoch>.<signature>".
-- It lets whoever holds it take that one action on that one booking until the expiry, once
-- (api.use_email_action); it is no sign-in and opens nothing else.
CREATE FUNCTION internal.email_action_token(p_booking uuid, p_action text, p_expires_at timestamptz) RETURNS text
    LANGUAGE sql STABLE
    AS $$
    SELECT format('%s.%s.%s.%s', p_booking, p_action, e,
                  internal.email_action_signature(p_booking, p_action, e))
      FROM (SELECT floor(extract(epoch FROM p_expires_at))::bigint AS e) x
$$;
