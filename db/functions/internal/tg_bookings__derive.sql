-- BEFORE INSERT OR UPDATE on booking.bookings: derive what a writer must not choose.
-- blocked is recomputed from the times and buffers on every write, the seats must lie
-- within the resource's capacity, and every meaningful change bumps version (the
-- .ics SEQUENCE). Applies to direct SQL writes as much as to the api functions.
CREATE FUNCTION internal.tg_bookings__derive() RETURNS trigger
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_capacity integer;
BEGIN
    NEW.blocked := tstzrange(
        NEW.starts_at - make_interval(mins => NEW.buffer_before_minutes),
        NEW.ends_at + make_interval(mins => NEW.buffer_after_minutes));
    IF TG_OP = 'INSERT' THEN
        NEW.reference := coalesce(NEW.reference, internal.new_reference());
    END IF;
    IF TG_OP = 'INSERT' OR NEW.seats IS DISTINCT FROM OLD.seats OR NEW.resource_id IS DISTINCT FROM OLD.resource_id THEN
        SELECT capacity INTO v_capacity FROM booking.resources WHERE id = NEW.resource_id;
        IF upper(NEW.seats) - 1 > v_capacity THEN
            RAISE EXCEPTION USING
                ERRCODE = 'check_violation',
                MESSAGE = format('seats %s exceed the capacity %s of the resource', NEW.seats, v_capacity),
                CONSTRAINT = 'bookings_seats_capacity_check';
        END IF;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        NEW.updated_at := now();
        IF (NEW.status, NEW.starts_at, NEW.ends_at, NEW.resource_id, NEW.seats)
           IS DISTINCT FROM (OLD.status, OLD.starts_at, OLD.ends_at, OLD.resource_id, OLD.seats) THEN
            NEW.version := OLD.version + 1;
        END IF;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER bookings_derive
    BEFORE INSERT OR UPDATE ON booking.bookings
    FOR EACH ROW EXECUTE FUNCTION internal.tg_bookings__derive();
