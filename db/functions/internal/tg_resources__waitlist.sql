-- AFTER UPDATE OF capacity on booking.resources, when it grows: offer the new seats to the
-- waitlist (internal.offer_seats over the future). Without waiting for the resource's
-- maintenance lock (an admin's transaction holds the resource's row lock, which inserting
-- buyers need): when busy, the next sweep (api.expire_holds) makes the offers.
CREATE FUNCTION internal.tg_resources__waitlist() RETURNS trigger
    LANGUAGE plpgsql VOLATILE
    AS $$
BEGIN
    PERFORM internal.offer_seats(NEW.id, tstzrange(now(), NULL), p_wait => false);
    RETURN NULL;
END
$$;

CREATE TRIGGER resources_waitlist
    AFTER UPDATE OF capacity ON booking.resources
    FOR EACH ROW WHEN (NEW.capacity > OLD.capacity)
    EXECUTE FUNCTION internal.tg_resources__waitlist();
