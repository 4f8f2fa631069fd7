-- A waitlist offer as its page shows it: the entry (internal.waitlist_entry_json) with the
-- offered hold as `booking` (api.booking_json) and `offer_status`: open, booked, lapsed or
-- declined. Who may see it: as api.accept_waitlist_offer (RB404 for anyone else).
CREATE FUNCTION api.waitlist_offer(p_offer uuid, p_actor uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v_entry booking.waitlist_entries;
    v_hold booking.bookings;
BEGIN
    SELECT * INTO v_entry FROM booking.waitlist_entries WHERE offer_id = p_offer;
    SELECT * INTO v_hold FROM booking.bookings WHERE id = p_offer;
    IF v_hold.id IS NULL OR v_entry.id IS NULL
       OR NOT (p_actor IS NULL OR v_entry.user_id IS NOT DISTINCT FROM p_actor OR internal.is_admin(p_actor)) THEN
        PERFORM internal.fail_not_found('waitlist offer');
    END IF;
    RETURN internal.waitlist_entry_json(v_entry) || jsonb_build_object(
        'booking', api.booking_json(v_hold),
        'offer_status', CASE
            WHEN v_hold.status IN ('pending', 'confirmed') THEN 'booked'
            WHEN v_hold.status = 'held' AND v_hold.hold_expires_at > now() THEN 'open'
            WHEN v_hold.status IN ('held', 'expired') THEN 'lapsed'
            ELSE 'declined' END);
END
$$;
