-- AFTER INSERT on booking.notification_log of a 'waitlist_offer' row (the waitlist's
-- offer email): queue the webhook event waitlist.offer in the same transaction, with the
-- offered booking (the hold in the person's name) and the offer's snapshot (minus any
-- secret link token) as data.offer. The WHEN clause keeps every other email free of it.
CREATE FUNCTION internal.tg_notification_log__webhooks() RETURNS trigger
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_booking booking.bookings;
BEGIN
    SELECT * INTO v_booking FROM booking.bookings WHERE id = NEW.booking_id;
    IF v_booking.id IS NOT NULL THEN
        PERFORM internal.webhook_enqueue('waitlist.offer', v_booking, jsonb_build_object('offer',
            (SELECT coalesce(jsonb_object_agg(key, value), '{}') FROM jsonb_each(NEW.payload)
              WHERE key NOT ILIKE '%token%' AND key NOT ILIKE '%link%' AND key NOT ILIKE '%url%')));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER notification_log_webhooks
    AFTER INSERT ON booking.notification_log
    FOR EACH ROW WHEN (NEW.kind = 'waitlist_offer')
    EXECUTE FUNCTION internal.tg_notification_log__webhooks();
