-- AFTER INSERT or a change of status, time or resource on booking.bookings: (re)schedule
-- the booking's reminders in the same transaction. Reminders not yet sent are deleted; an
-- active (pending or confirmed) booking gets one outbox row per offset of its service
-- (services.reminder_offsets, minutes before the start) whose moment is still ahead, due
-- then (next_attempt_at: api.claim_notifications skips rows not yet due). So a cancelled,
-- declined or expired booking is never reminded and a moved one is reminded at its new time.
CREATE FUNCTION internal.tg_bookings__reminders() RETURNS trigger
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_email text;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM booking.notification_log
         WHERE booking_id = NEW.id AND kind = 'customer_reminder' AND status = 'pending';
    END IF;
    IF NEW.status NOT IN ('pending', 'confirmed') THEN
        RETURN NULL;
    END IF;
    v_email := coalesce(NEW.attendee_email, (SELECT email FROM booking.users WHERE id = NEW.user_id));
    IF v_email IS NULL THEN
        RETURN NULL;
    END IF;
    INSERT INTO booking.notification_log (booking_id, kind, recipient, payload, message_id, next_attempt_at)
    SELECT NEW.id, 'customer_reminder', v_email,
           internal.reminder_payload(NEW) || jsonb_build_object('reminder_minutes', m),
           '<' || gen_random_uuid() || '@booker>', NEW.starts_at - make_interval(mins => m)
      FROM booking.services s, unnest(s.reminder_offsets) AS m
     WHERE s.id = NEW.service_id AND NEW.starts_at - make_interval(mins => m) > now();
    RETURN NULL;
END
$$;

CREATE TRIGGER bookings_reminders_created
    AFTER INSERT ON booking.bookings
    FOR EACH ROW WHEN (NEW.status IN ('pending', 'confirmed'))
    EXECUTE FUNCTION internal.tg_bookings__reminders();

CREATE TRIGGER bookings_reminders_changed
    AFTER UPDATE OF status, starts_at, resource_id ON booking.bookings
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.starts_at IS DISTINCT FROM NEW.starts_at
                       OR OLD.resource_id IS DISTINCT FROM NEW.resource_id)
    EXECUTE FUNCTION internal.tg_bookings__reminders();
