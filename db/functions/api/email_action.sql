-- What an email action link (the provider's "please confirm" email) would do, without doing
-- it: the page behind the link shows this and a button. RB403 for a link that is not valid,
-- RB404 when its booking no longer exists; otherwise internal.email_action_state's answer
-- ({action, state: open | used | decided | expired, message, expires_at, used_at, booking}).
CREATE FUNCTION api.email_action(p_token text) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v_claims record;
    v_booking booking.bookings;
BEGIN
    SELECT * INTO v_claims FROM internal.email_action_claims(p_token);
    SELECT * INTO v_booking FROM booking.bookings WHERE id = v_claims.booking_id;
    IF v_booking.id IS NULL THEN
        PERFORM internal.fail_not_found('booking');
    END IF;
    RETURN internal.email_action_state(v_booking, v_claims.action, v_claims.expires_at, v_claims.token_hash);
END
$$;
