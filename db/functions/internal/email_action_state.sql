-- What an email action link can do now, and the words that explain it:
-- {action, state, message, expires_at, used_at, booking}. state is 'open' (the button
-- works), 'used' (this link already acted), 'decided' (the booking is no longer pending:
-- someone confirmed, declined or cancelled it) or 'expired'; checked in that order.
CREATE FUNCTION internal.email_action_state(
    p_booking booking.bookings, p_action text, p_expires_at timestamptz, p_token_hash text
) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT jsonb_build_object(
               'action', p_action,
               'state', s.state,
               'message', CASE s.state
                   WHEN 'used' THEN format('This link was already used on %s UTC to %s the booking; it is now %s.',
                                           to_char(u.used_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'),
                                           p_action, p_booking.status)
                   WHEN 'decided' THEN CASE p_booking.status
                       WHEN 'confirmed' THEN 'This booking is already confirmed.'
                       WHEN 'declined' THEN 'This request was already declined.'
                       WHEN 'cancelled' THEN 'This booking was cancelled.'
                       ELSE format('This request is %s: there is nothing left to decide.', p_booking.status) END
                   WHEN 'expired' THEN format('This link expired on %s UTC. Sign in and open your provider '
                                              'workspace to answer the request.',
                                              to_char(p_expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'))
               END,
               'expires_at', p_expires_at,
               'used_at', u.used_at,
               'booking', api.booking_json(p_booking))
      FROM (SELECT (SELECT x.used_at FROM booking.email_action_uses x WHERE x.token_hash = p_token_hash) AS used_at) u,
           LATERAL (SELECT CASE
                        WHEN u.used_at IS NOT NULL THEN 'used'
                        WHEN p_booking.status <> 'pending' THEN 'decided'
                        WHEN p_expires_at <= now() THEN 'expired'
                        ELSE 'open' END AS state) s
$$;
