-- One waitlist entry (internal.waitlist_entry_json) for its person (a member, or a guest
-- whose entry token the edge verified: p_actor NULL) or an admin; RB404 for anyone else.
CREATE FUNCTION api.waitlist_entry(p_entry uuid, p_actor uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v booking.waitlist_entries;
BEGIN
    SELECT * INTO v FROM booking.waitlist_entries WHERE id = p_entry;
    IF v.id IS NULL OR NOT (p_actor IS NULL OR v.user_id IS NOT DISTINCT FROM p_actor OR internal.is_admin(p_actor)) THEN
        PERFORM internal.fail_not_found('waitlist entry');
    END IF;
    RETURN internal.waitlist_entry_json(v);
END
$$;
