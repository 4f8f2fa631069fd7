-- Turn a waitlist offer down by its id (the link in the offer email): as api.leave_waitlist
-- on its entry (the hold is cancelled, the seats go to the next in line). Who may: as
-- api.accept_waitlist_offer (RB404 for anyone else). Returns the entry as JSON.
CREATE FUNCTION api.decline_waitlist_offer(p_offer uuid, p_actor uuid) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v_entry uuid;
BEGIN
    SELECT id INTO v_entry FROM booking.waitlist_entries WHERE offer_id = p_offer;
    IF v_entry IS NULL THEN
        PERFORM internal.fail_not_found('waitlist offer');
    END IF;
    RETURN api.leave_waitlist(v_entry, p_actor);
END
$$;
