-- A waitlist entry p_actor may act on, locked: its person (the member, or a guest whose
-- entry token the edge verified: p_actor NULL) or an admin. RB404 for anyone else.
CREATE FUNCTION internal.lock_waitlist_entry(p_entry uuid, p_actor uuid) RETURNS booking.waitlist_entries
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v booking.waitlist_entries;
BEGIN
    PERFORM internal.set_actor(p_actor);
    SELECT * INTO v FROM booking.waitlist_entries WHERE id = p_entry FOR UPDATE;
    IF v.id IS NULL OR NOT (p_actor IS NULL OR v.user_id IS NOT DISTINCT FROM p_actor OR internal.is_admin(p_actor)) THEN
        PERFORM internal.fail_not_found('waitlist entry');
    END IF;
    RETURN v;
END
$$;
