-- AFTER UPDATE on booking.notification_log: a failed row put back to 'pending'
-- (api.retry_notification) wakes the workers, as a new row does.
CREATE TRIGGER notification_log_requeue
    AFTER UPDATE OF status ON booking.notification_log
    FOR EACH ROW WHEN (OLD.status = 'failed' AND NEW.status = 'pending')
    EXECUTE FUNCTION internal.tg_notification_log__notify();
