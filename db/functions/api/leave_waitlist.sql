-- Leave the waitlist (the person: a member, or a guest with the entry's token, p_actor NULL),
-- or remove an entry (an admin). A waiting entry becomes 'left'; an entry with an open offer
-- turns the offer down: its hold is cancelled and the seats go to the next in line (trigger
-- bookings_waitlist), the entry becomes 'declined'. Idempotent; returns the entry as JSON.
CREATE FUNCTION api.leave_waitlist(p_entry uuid, p_actor uuid) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v booking.waitlist_entries;
    v_hold booking.bookings;
BEGIN
    SELECT * INTO v FROM booking.waitlist_entries WHERE id = p_entry;
    IF v.status = 'offered' THEN
        -- Lock order of every seat-freeing path: the resource, the hold, then the entry.
        SELECT * INTO v_hold FROM booking.bookings WHERE id = v.offer_id;
        PERFORM internal.lock_resources(ARRAY[v_hold.resource_id]);
        SELECT * INTO v_hold FROM booking.bookings WHERE id = v.offer_id FOR UPDATE;
    END IF;
    v := internal.lock_waitlist_entry(p_entry, p_actor);
    IF v.status = 'waiting' THEN
        UPDATE booking.waitlist_entries SET status = 'left', updated_at = now() WHERE id = p_entry RETURNING * INTO v;
    ELSIF v.status = 'offered' AND v_hold.status = 'held' THEN
        UPDATE booking.bookings SET status = 'cancelled', status_reason = 'waitlist offer declined'
         WHERE id = v_hold.id;  -- the trigger marks the entry declined and offers the seats on
        SELECT * INTO v FROM booking.waitlist_entries WHERE id = p_entry;
    END IF;
    RETURN internal.waitlist_entry_json(v);
END
$$;
