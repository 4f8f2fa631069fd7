-- Take the action an email action link names (confirm or decline, with p_reason for a
-- decline), once, as the resource's owner (the audit trail names them; a resource without
-- an owner account acts as the system). The attendee is told by the outbox as for any
-- confirm or decline. Refusals explain themselves: RB403 a link that is not valid, RB404 a
-- booking that is gone, RB409 a link already used or a booking no longer pending ("This
-- booking was cancelled."), RB410 an expired link. Returns the state after the action
-- (state 'done').
CREATE FUNCTION api.use_email_action(p_token text, p_reason text DEFAULT NULL) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v_claims record;
    v_booking booking.bookings;
    v_owner uuid;
    v_state jsonb;
BEGIN
    SELECT * INTO v_claims FROM internal.email_action_claims(p_token);
    IF length(p_reason) > 500 THEN
        PERFORM internal.fail_invalid('reason', 'must be at most 500 characters');
    END IF;
    -- The row lock orders two clicks of one link (or of both links) one after the other.
    SELECT * INTO v_booking FROM booking.bookings WHERE id = v_claims.booking_id FOR UPDATE;
    IF v_booking.id IS NULL THEN
        PERFORM internal.fail_not_found('booking');
    END IF;
    v_state := internal.email_action_state(v_booking, v_claims.action, v_claims.expires_at, v_claims.token_hash);
    IF v_state ->> 'state' IN ('used', 'decided') THEN
        RAISE EXCEPTION USING ERRCODE = 'RB409', MESSAGE = v_state ->> 'message', DETAIL = '{"alternatives": []}';
    ELSIF v_state ->> 'state' = 'expired' THEN
        RAISE EXCEPTION USING ERRCODE = 'RB410', MESSAGE = v_state ->> 'message';
    END IF;
    SELECT owner_id INTO v_owner FROM booking.resources WHERE id = v_booking.resource_id;
    IF v_claims.action = 'confirm' THEN
        v_booking := api.confirm_booking(v_booking.id, v_owner);
    ELSE
        v_booking := api.decline_booking(v_booking.id, v_owner, p_reason);
    END IF;
    INSERT INTO booking.email_action_uses (token_hash, booking_id, action)
    VALUES (v_claims.token_hash, v_booking.id, v_claims.action);
    RETURN jsonb_build_object('action', v_claims.action, 'state', 'done',
                              'message', CASE v_claims.action WHEN 'confirm' THEN 'Confirmed. '
                                              ELSE 'Declined. ' END || 'The attendee is told by email.',
                              'expires_at', v_claims.expires_at, 'used_at', now(),
                              'booking', api.booking_json(v_booking));
END
$$;
