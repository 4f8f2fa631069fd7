-- AFTER INSERT on booking.webhook_deliveries, once per statement: wake the webhook
-- deliverers (channel webhook_ready; the table is the truth, the notification says "look").
CREATE FUNCTION internal.tg_webhook_deliveries__notify() RETURNS trigger
    LANGUAGE plpgsql VOLATILE
    AS $$
BEGIN
    PERFORM pg_notify('webhook_ready', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER webhook_deliveries_notify
    AFTER INSERT ON booking.webhook_deliveries
    FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_webhook_deliveries__notify();
