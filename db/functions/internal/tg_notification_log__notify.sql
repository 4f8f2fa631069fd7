-- AFTER INSERT on booking.notification_log, once per statement: wake the workers.
-- The payload is empty: the table is the truth, the notification only says "look".
CREATE FUNCTION internal.tg_notification_log__notify() RETURNS trigger
    LANGUAGE plpgsql VOLATILE
    AS $$
BEGIN
    PERFORM pg_notify('notification_ready', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER notification_log_notify
    AFTER INSERT ON booking.notification_log
    FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_notification_log__notify();
