-- An outbox row as the worker renders it: the provider's "please confirm" message (a new
-- booking that is pending) gets signed confirm and decline link tokens in its payload,
-- {"actions": {"confirm", "decline", "expires_at"}}. They are made when the row is claimed,
-- never stored in the outbox, and the same for every attempt (the expiry is the earlier of
-- the booking's start and 7 days after the row was written).
CREATE FUNCTION internal.with_email_actions(p_row booking.notification_log) RETURNS booking.notification_log
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v_expires timestamptz;
BEGIN
    IF p_row.kind = 'provider_new' AND p_row.payload ->> 'status' = 'pending' THEN
        v_expires := date_trunc('second', least((p_row.payload ->> 'starts_at')::timestamptz,
                                                p_row.created_at + interval '7 days'));
        p_row.payload := p_row.payload || jsonb_build_object('actions', jsonb_build_object(
            'confirm', internal.email_action_token(p_row.booking_id, 'confirm', v_expires),
            'decline', internal.email_action_token(p_row.booking_id, 'decline', v_expires),
            'expires_at', v_expires));
    END IF;
    RETURN p_row;
END
$$;
