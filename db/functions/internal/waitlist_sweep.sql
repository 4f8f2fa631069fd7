-- The waitlist's part of the periodic sweep (api.expire_holds, which the worker calls):
--   1. lapsed holds of resources where someone waits expire resource by resource, each under
--      its maintenance lock taken first (in the global order of internal.lock_resources), so
--      the offers the expiry passes on (trigger bookings_waitlist) wait for no lock while the
--      expired rows are locked;
--   2. offers taken through book_slot(p_hold) are marked booked; waiting entries whose slot
--      has started end;
--   3. every slot with waiting entries is looked at again (seats freed by a raised capacity,
--      a removed closure, a change that raced a join): free seats are offered, on resources
--      whose lock is free at once.
-- Returns how many holds lapsed in step 1.
CREATE FUNCTION internal.waitlist_sweep() RETURNS integer
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_resource uuid;
    v_slot record;
    v_count integer := 0;
BEGIN
    FOR v_resource IN
        SELECT r.resource_id FROM (SELECT DISTINCT b.resource_id
          FROM booking.bookings b
         WHERE b.status = 'held' AND b.hold_expires_at <= now()
           AND EXISTS (SELECT 1 FROM booking.service_resources sr
                         JOIN booking.waitlist_entries w ON w.service_id = sr.service_id
                        WHERE sr.resource_id = b.resource_id AND w.status = 'waiting' AND w.starts_at > now())) r
         ORDER BY hashtext(r.resource_id::text)
    LOOP
        v_count := v_count + internal.expire_lapsed_holds(ARRAY[v_resource], '(,)');
    END LOOP;

    UPDATE booking.waitlist_entries w SET status = 'booked', updated_at = now()
      FROM booking.bookings b
     WHERE w.status = 'offered' AND b.id = w.offer_id AND b.status IN ('pending', 'confirmed');
    UPDATE booking.waitlist_entries SET status = 'ended', updated_at = now()
     WHERE status = 'waiting' AND starts_at <= now();

    FOR v_slot IN
        SELECT DISTINCT sr.resource_id, internal.waitlist_blocked(s, w.starts_at) AS blocked
          FROM booking.waitlist_entries w
          JOIN booking.services s ON s.id = w.service_id
          JOIN booking.service_resources sr ON sr.service_id = s.id
         WHERE w.status = 'waiting'
    LOOP
        PERFORM internal.offer_seats(v_slot.resource_id, v_slot.blocked, p_wait => false);
    END LOOP;
    RETURN v_count;
END
$$;
