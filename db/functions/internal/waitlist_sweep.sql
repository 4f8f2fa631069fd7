-- The waitlist's part of the periodic sweep (api.expire_holds, which the worker calls), before
-- the plain expiry of lapsed holds:
--   1. lapsed holds of resources where someone waits expire under those resources'
--      maintenance locks, all taken first and at once (internal.lock_resources, as a placer
--      does), so the offers the expiry passes on (trigger bookings_waitlist) wait for no lock
--      while expired rows or claimed entries are held;
--   2. offers taken through book_slot(p_hold) are marked booked; waiting entries whose slot
--      has started end.
-- Returns how many holds lapsed in step 1. internal.waitlist_reoffer runs after the plain expiry.
CREATE FUNCTION internal.waitlist_sweep() RETURNS integer
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_resources uuid[];
    v_count integer := 0;
BEGIN
    SELECT array_agg(DISTINCT b.resource_id) INTO v_resources
      FROM booking.bookings b
     WHERE b.status = 'held' AND b.hold_expires_at <= now()
       AND EXISTS (SELECT 1 FROM booking.service_resources sr
                     JOIN booking.waitlist_entries w ON w.service_id = sr.service_id
                    WHERE sr.resource_id = b.resource_id AND w.status = 'waiting' AND w.starts_at > now());
    IF v_resources IS NOT NULL THEN
        PERFORM internal.lock_resources(v_resources);
        v_count := internal.expire_lapsed_holds(v_resources, '(,)');
    END IF;

    UPDATE booking.waitlist_entries w SET status = 'booked', updated_at = now()
      FROM booking.bookings b
     WHERE w.status = 'offered' AND b.id = w.offer_id AND b.status IN ('pending', 'confirmed');
    UPDATE booking.waitlist_entries SET status = 'ended', updated_at = now()
     WHERE status = 'waiting' AND starts_at <= now();
    RETURN v_count;
END
$$;
