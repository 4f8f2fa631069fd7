-- AFTER INSERT OR UPDATE on booking.bookings: record a change, in the same transaction (I3):
--   * one audit row (its id is the change sequence, seq, of the live feed; its insert
--     fires booking_audit_notify, I4). db_user is the role that logged in: current_user
--     would name the owner inside the SECURITY DEFINER api functions;
--   * the emails the change causes, as outbox rows (tg_notification_log__notify wakes the
--     worker). Each carries a snapshot of what the email shows, so a later change never
--     rewrites an earlier message.
-- One trigger, not two: the action is worked out once and a booking costs one trigger
-- call fewer (issue 10).
CREATE FUNCTION internal.tg_bookings__record() RETURNS trigger
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_old booking.bookings;
    v_action text;
    v_kinds text[];
    v_payload jsonb;
    v_customer text;
    v_provider text;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        v_old := OLD;
    END IF;
    v_action := internal.booking_action(v_old, NEW);
    IF v_action IS NULL THEN
        RETURN NULL;
    END IF;
    INSERT INTO booking.booking_audit
        (booking_id, service_id, resource_id, action, status, starts_at, ends_at,
         old_starts_at, old_ends_at, actor, db_user, old_row, new_row)
    VALUES
        (NEW.id, NEW.service_id, NEW.resource_id, v_action, NEW.status, NEW.starts_at, NEW.ends_at,
         CASE WHEN v_action = 'rescheduled' THEN OLD.starts_at END,
         CASE WHEN v_action = 'rescheduled' THEN OLD.ends_at END,
         nullif(current_setting('booker.actor', true), '')::uuid,
         session_user,  -- the login role (booker_app, a DBA), not the owner the api functions run as
         CASE WHEN TG_OP = 'UPDATE' THEN to_jsonb(OLD) - 'manage_token_hash' - 'request_hash' END,
         to_jsonb(NEW) - 'manage_token_hash' - 'request_hash');

    IF TG_OP = 'UPDATE' AND OLD.status = 'held' AND NEW.status = 'cancelled' THEN
        RETURN NULL;  -- an abandoned checkout is nobody's news
    END IF;
    v_kinds := CASE
        WHEN v_action = 'created' AND NEW.status = 'confirmed' THEN ARRAY['customer_confirmed', 'provider_new']
        WHEN v_action = 'created' AND NEW.status = 'pending' THEN ARRAY['customer_pending', 'provider_new']
        WHEN v_action = 'approved' THEN ARRAY['customer_approved']
        WHEN v_action = 'declined' THEN ARRAY['customer_declined']
        WHEN v_action = 'cancelled' THEN ARRAY['customer_cancelled', 'provider_cancelled']
        WHEN v_action = 'rescheduled' AND NEW.status IN ('pending', 'confirmed')
            THEN ARRAY['customer_rescheduled', 'provider_rescheduled']
    END;
    IF v_kinds IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT jsonb_build_object(
               'booking_id', NEW.id,
               'reference', NEW.reference,
               'status', NEW.status,
               'action', v_action,
               'sequence', NEW.version,
               'starts_at', NEW.starts_at,
               'ends_at', NEW.ends_at,
               'old_starts_at', CASE WHEN v_action = 'rescheduled' THEN OLD.starts_at END,
               'old_ends_at', CASE WHEN v_action = 'rescheduled' THEN OLD.ends_at END,
               'seats', NEW.seat_count,
               'price', NEW.price,
               'currency', NEW.currency,
               'reason', NEW.status_reason,
               'notes', NEW.notes,
               'service_slug', s.slug,
               'service_name', s.name,
               'resource_slug', r.slug,
               'resource_name', r.name,
               'timezone', r.timezone,
               'attendee_timezone', coalesce(NEW.attendee_timezone, r.timezone),
               'provider_timezone', coalesce(o.time_zone, r.timezone),  -- the owner's profile zone
               'cancellable_until', NEW.starts_at - make_interval(mins => s.cancellation_cutoff_minutes),
               'booked_at', NEW.created_at,
               'location', coalesce(s.venue, r.location),
               'attendee_name', coalesce(NEW.attendee_name, u.name),
               'attendee_email', coalesce(NEW.attendee_email, u.email),
               'provider_name', coalesce(o.name, r.name),
               'provider_email', coalesce(r.email, o.email),
               'guest', NEW.user_id IS NULL,
               'reminder_offsets', s.reminder_offsets,  -- the .ics alarms (issue 14)
               'answers', NEW.metadata -> 'answers'),  -- the booking questions' answers (issue 14)
           coalesce(NEW.attendee_email, u.email),
           coalesce(r.email, o.email)
      INTO v_payload, v_customer, v_provider
      FROM booking.services s
      JOIN booking.resources r ON r.id = NEW.resource_id
      LEFT JOIN booking.users u ON u.id = NEW.user_id
      LEFT JOIN booking.users o ON o.id = r.owner_id
     WHERE s.id = NEW.service_id;

    INSERT INTO booking.notification_log (booking_id, kind, recipient, payload, message_id)
    SELECT NEW.id, k, CASE WHEN k LIKE 'customer%' THEN v_customer ELSE v_provider END, v_payload,
           '<' || gen_random_uuid() || '@booker>'
      FROM unnest(v_kinds) AS k
     WHERE CASE WHEN k LIKE 'customer%' THEN v_customer ELSE v_provider END IS NOT NULL;

    RETURN NULL;
END
$$;

CREATE TRIGGER bookings_record
    AFTER INSERT OR UPDATE ON booking.bookings
    FOR EACH ROW EXECUTE FUNCTION internal.tg_bookings__record();
