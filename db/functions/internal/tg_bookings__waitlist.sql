-- AFTER UPDATE on booking.bookings, only for a change that frees seats (the WHEN clause: a
-- blocking booking cancelled, declined or expired, or moved, or given fewer seats): in the
-- same transaction, close the waitlist offer it was (lapsed when it expired, declined when it
-- was cancelled) and offer the freed seats to the waitlist (internal.offer_seats). Direct SQL
-- writes are covered like the api functions. See docs/decisions.md, "Waitlist".
CREATE FUNCTION internal.tg_bookings__waitlist() RETURNS trigger
    LANGUAGE plpgsql VOLATILE
    AS $$
BEGIN
    IF NEW.status NOT IN ('held', 'pending', 'confirmed') THEN
        UPDATE booking.waitlist_entries
           SET status = CASE WHEN NEW.status = 'expired' THEN 'lapsed' ELSE 'declined' END, updated_at = now()
         WHERE offer_id = OLD.id AND status = 'offered';
    END IF;
    PERFORM internal.offer_seats(OLD.resource_id, OLD.blocked);
    RETURN NULL;
END
$$;

CREATE TRIGGER bookings_waitlist
    AFTER UPDATE ON booking.bookings
    FOR EACH ROW
    WHEN (OLD.status IN ('held', 'pending', 'confirmed')
          AND (NEW.status NOT IN ('held', 'pending', 'confirmed') OR NEW.resource_id <> OLD.resource_id
               OR NEW.blocked <> OLD.blocked OR NEW.seats <> OLD.seats))
    EXECUTE FUNCTION internal.tg_bookings__waitlist();
