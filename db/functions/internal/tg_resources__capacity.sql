-- BEFORE UPDATE OF capacity on booking.resources: a resource's capacity may drop only as far
-- as its upcoming blocking bookings allow. Each booking holds seat numbers within
-- [1, capacity] (tg_bookings__derive checks it when a booking is placed); lowering the
-- capacity below a seat number an upcoming booking holds would leave that booking on a
-- seat that no longer exists, so it is refused with RB422 naming capacity and the first
-- such booking: cancel or move those bookings first (docs/decisions.md, "Catalogue
-- changes and existing bookings"). Past bookings are history and do not count. Every
-- writer meets the rule (the admin API, a DBA's UPDATE).
CREATE FUNCTION internal.tg_resources__capacity() RETURNS trigger
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_count bigint;
    v_first text;
BEGIN
    IF NEW.capacity >= OLD.capacity THEN
        RETURN NEW;
    END IF;
    SELECT count(*), (array_agg(b.reference ORDER BY b.starts_at))[1]
      INTO v_count, v_first
      FROM booking.bookings b
     WHERE b.resource_id = NEW.id
       AND b.status IN ('held', 'pending', 'confirmed')
       AND b.ends_at > now()
       AND upper(b.seats) - 1 > NEW.capacity;
    IF v_count > 0 THEN
        PERFORM internal.fail_invalid('capacity', format(
            '%s upcoming booking(s) hold seats above %s (first: %s); cancel or move them first',
            v_count, NEW.capacity, v_first));
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER resources_capacity
    BEFORE UPDATE OF capacity ON booking.resources
    FOR EACH ROW EXECUTE FUNCTION internal.tg_resources__capacity();
