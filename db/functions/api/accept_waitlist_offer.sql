-- Take a waitlist offer: the hold p_offer (the id in the offer email's link) becomes the
-- booking, confirmed or pending as for any booking of the service (internal.convert_hold,
-- which refuses a lapsed or expired hold with RB409), and the entry becomes 'booked'.
-- p_actor: the entry's member, an admin, or NULL for a guest whose offer token the edge
-- verified; RB404 for anyone else. Taking a taken offer again returns the booking.
CREATE FUNCTION api.accept_waitlist_offer(p_offer uuid, p_actor uuid) RETURNS booking.bookings
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v_entry booking.waitlist_entries;
    v_hold booking.bookings;
    v_service booking.services;
    v_fields booking.bookings;
BEGIN
    PERFORM internal.set_actor(p_actor);
    -- The hold's row lock first, then the entry's: the order of an expiry (which passes the
    -- offer on), so the two never deadlock and exactly one of them wins.
    SELECT * INTO v_hold FROM booking.bookings WHERE id = p_offer FOR UPDATE;
    SELECT * INTO v_entry FROM booking.waitlist_entries WHERE offer_id = p_offer FOR UPDATE;
    IF v_hold.id IS NULL OR v_entry.id IS NULL
       OR NOT (p_actor IS NULL OR v_entry.user_id IS NOT DISTINCT FROM p_actor OR internal.is_admin(p_actor)) THEN
        PERFORM internal.fail_not_found('waitlist offer');
    END IF;
    SELECT * INTO v_service FROM booking.services WHERE id = v_hold.service_id;
    IF v_hold.status IN ('pending', 'confirmed') THEN
        UPDATE booking.waitlist_entries SET status = 'booked', updated_at = now()
         WHERE id = v_entry.id AND status = 'offered';
        RETURN v_hold;
    END IF;
    IF v_hold.status <> 'held' OR v_hold.hold_expires_at <= now() THEN
        RAISE EXCEPTION USING ERRCODE = 'RB409',
            MESSAGE = 'the offer has expired and its seat went to the next person in line',
            DETAIL = '{"alternatives": []}';
    END IF;
    v_fields := v_hold;
    v_fields.status := CASE WHEN v_service.requires_confirmation THEN 'pending' ELSE 'confirmed' END;
    v_hold := internal.convert_hold(v_service, p_offer, NULL, v_fields);
    UPDATE booking.waitlist_entries SET status = 'booked', updated_at = now() WHERE id = v_entry.id;
    RETURN v_hold;
END
$$;
