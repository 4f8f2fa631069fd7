-- The end of the periodic sweep (api.expire_holds): every slot with waiting entries is looked
-- at again, and free seats are offered (seats freed by a removed closure, a capacity raised
-- while its resource was busy, the plain expiry of a hold on a busy resource, a change that
-- raced a join), on resources whose maintenance lock is free at once: the sweep holds rows
-- of many resources by now and must not wait. Returns how many offers it made.
CREATE FUNCTION internal.waitlist_reoffer() RETURNS integer
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_slot record;
    v_made integer := 0;
BEGIN
    FOR v_slot IN
        SELECT DISTINCT sr.resource_id, internal.waitlist_blocked(s, w.starts_at) AS blocked
          FROM booking.waitlist_entries w
          JOIN booking.services s ON s.id = w.service_id
          JOIN booking.service_resources sr ON sr.service_id = s.id
         WHERE w.status = 'waiting' AND w.starts_at > now()
    LOOP
        v_made := v_made + internal.offer_seats(v_slot.resource_id, v_slot.blocked, p_wait => false);
    END LOOP;
    RETURN v_made;
END
$$;
