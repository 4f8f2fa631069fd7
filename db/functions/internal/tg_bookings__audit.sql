-- AFTER INSERT OR UPDATE on booking.bookings: one audit row per change (I3).
-- The audit id is the change sequence (seq) of the live feed. db_user is the role that
-- logged in: current_user would name the owner inside the SECURITY DEFINER api functions.
CREATE FUNCTION internal.tg_bookings__audit() RETURNS trigger
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_old booking.bookings;
    v_action text;
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
    RETURN NULL;
END
$$;

CREATE TRIGGER bookings_audit
    AFTER INSERT OR UPDATE ON booking.bookings
    FOR EACH ROW EXECUTE FUNCTION internal.tg_bookings__audit();
