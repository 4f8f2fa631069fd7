-- AFTER INSERT OR UPDATE on booking.bookings: queue the webhook deliveries a change
-- causes, in the booking's transaction (issue 16). A trigger of its own, apart from
-- bookings_record (audit + email), so either can change without the other; when no
-- endpoint is active it costs one index-less lookup of an empty (or tiny) table.
--   booking.created      a booking is placed (pending or confirmed; a hold converted)
--   booking.confirmed    it is confirmed (placed confirmed, or approved)
--   booking.declined     a pending request is declined
--   booking.cancelled    it is cancelled (not an abandoned hold)
--   booking.rescheduled  a pending or confirmed booking moves (data.previous: the old times)
-- Deliveries of one booking to one endpoint are delivered in this order (their ids).
CREATE FUNCTION internal.tg_bookings__webhooks() RETURNS trigger
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_old booking.bookings;
    v_action text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM booking.webhook_endpoints WHERE active) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        v_old := OLD;
    END IF;
    v_action := internal.booking_action(v_old, NEW);
    IF v_action = 'created' THEN
        PERFORM internal.webhook_enqueue('booking.created', NEW);
        IF NEW.status = 'confirmed' THEN
            PERFORM internal.webhook_enqueue('booking.confirmed', NEW);
        END IF;
    ELSIF v_action = 'approved' THEN
        PERFORM internal.webhook_enqueue('booking.confirmed', NEW);
    ELSIF v_action = 'declined' THEN
        PERFORM internal.webhook_enqueue('booking.declined', NEW);
    ELSIF v_action = 'cancelled' AND OLD.status <> 'held' THEN
        PERFORM internal.webhook_enqueue('booking.cancelled', NEW);
    ELSIF v_action = 'rescheduled' AND NEW.status IN ('pending', 'confirmed') THEN
        PERFORM internal.webhook_enqueue('booking.rescheduled', NEW, jsonb_build_object(
            'previous', jsonb_build_object('starts_at', OLD.starts_at, 'ends_at', OLD.ends_at,
                                           'resource', (SELECT slug FROM booking.resources WHERE id = OLD.resource_id))));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER bookings_webhooks
    AFTER INSERT OR UPDATE ON booking.bookings
    FOR EACH ROW EXECUTE FUNCTION internal.tg_bookings__webhooks();
