-- Send a delivery again (admins): a new delivery of the same event (same event id and
-- body, so a receiver that already has it can tell), due at once, after anything still
-- queued for that booking. RB409 when its endpoint is disabled (re-enable it first).
CREATE FUNCTION api.redeliver_webhook(p_actor uuid, p_delivery bigint) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v_old booking.webhook_deliveries;
    v_new booking.webhook_deliveries;
    v_active boolean;
BEGIN
    PERFORM internal.require_admin(p_actor);
    SELECT * INTO v_old FROM booking.webhook_deliveries WHERE id = p_delivery;
    IF v_old.id IS NULL THEN
        PERFORM internal.fail_not_found('webhook delivery');
    END IF;
    SELECT active INTO v_active FROM booking.webhook_endpoints WHERE id = v_old.endpoint_id FOR SHARE;
    IF NOT v_active THEN
        RAISE EXCEPTION USING ERRCODE = 'RB409', MESSAGE = 'the endpoint is disabled: enable it first',
            DETAIL = '{"alternatives": []}';
    END IF;
    INSERT INTO booking.webhook_deliveries (endpoint_id, booking_id, event, event_id, payload, max_attempts, redelivery_of)
    SELECT v_old.endpoint_id, v_old.booking_id, v_old.event, v_old.event_id, v_old.payload, e.max_attempts, v_old.id
      FROM booking.webhook_endpoints e WHERE e.id = v_old.endpoint_id
    RETURNING * INTO v_new;
    RETURN jsonb_build_object('id', v_new.id, 'event', v_new.event, 'event_id', v_new.event_id,
                              'status', v_new.status, 'redelivery_of', v_new.redelivery_of,
                              'created_at', v_new.created_at);
END
$$;
