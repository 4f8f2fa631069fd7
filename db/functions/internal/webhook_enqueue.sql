-- Queue one event about p_booking for every active endpoint subscribed to p_event, in the
-- caller's transaction (so a delivery exists exactly when the change committed). The
-- body is the API's booking representation (api.booking_json, private fields included:
-- the receiver is the operator's own system), as it is at this moment, plus p_data.
-- Returns how many deliveries were queued. Callable by other features (the waitlist's
-- offer) as well as by the booking trigger.
CREATE FUNCTION internal.webhook_enqueue(p_event text, p_booking booking.bookings, p_data jsonb DEFAULT '{}')
    RETURNS integer
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_count integer;
BEGIN
    INSERT INTO booking.webhook_deliveries (endpoint_id, booking_id, event, event_id, payload, max_attempts)
    SELECT e.id, p_booking.id, p_event, x.event_id,
           jsonb_build_object(
               'id', x.event_id,
               'type', p_event,
               'created_at', now(),
               'data', jsonb_build_object('booking', api.booking_json(p_booking, true)) || coalesce(p_data, '{}')),
           e.max_attempts
      FROM booking.webhook_endpoints e
     CROSS JOIN LATERAL (SELECT gen_random_uuid() AS event_id) x
     WHERE e.active AND p_event = ANY (e.events)
     ORDER BY e.id;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END
$$;
