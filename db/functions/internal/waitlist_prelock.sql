-- Before a seat-freeing call locks its booking (api.cancel_booking, api.decline_booking):
-- when people wait for seats the booking holds, take its resource's maintenance lock first,
-- as placers and moves do (resource locks before row locks), so the offers the trigger then
-- makes wait for no lock while the booking's row is held. Nothing when nobody waits.
CREATE FUNCTION internal.waitlist_prelock(p_booking uuid) RETURNS void
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_booking booking.bookings;
BEGIN
    SELECT * INTO v_booking FROM booking.bookings WHERE id = p_booking;
    IF v_booking.status IN ('held', 'pending', 'confirmed') AND EXISTS (
        SELECT 1 FROM booking.service_resources sr
          JOIN booking.waitlist_entries w ON w.service_id = sr.service_id
         WHERE sr.resource_id = v_booking.resource_id AND w.status = 'waiting'
           AND w.starts_at > lower(v_booking.blocked) - interval '16 hours'
           AND w.starts_at < upper(v_booking.blocked) + interval '8 hours')
    THEN
        PERFORM internal.lock_resources(ARRAY[v_booking.resource_id]);
    END IF;
END
$$;
