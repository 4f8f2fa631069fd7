-- AFTER INSERT on booking.booking_audit: tell live listeners (I4: NOTIFY is
-- delivered only on commit). The payload carries ids and times only, never
-- personal data, and stays far below the 8,000-byte limit.
CREATE FUNCTION internal.tg_booking_audit__notify() RETURNS trigger
    LANGUAGE plpgsql VOLATILE
    AS $$
BEGIN
    PERFORM pg_notify('booking_changes', json_build_object(
        'seq', NEW.id,
        'type', NEW.action,
        'service', NEW.service_id,
        'resource', NEW.resource_id,
        'starts_at', NEW.starts_at,
        'ends_at', NEW.ends_at,
        'old_starts_at', NEW.old_starts_at,
        'old_ends_at', NEW.old_ends_at,
        'status', NEW.status)::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER booking_audit_notify
    AFTER INSERT ON booking.booking_audit
    FOR EACH ROW EXECUTE FUNCTION internal.tg_booking_audit__notify();
