-- The actor's live waitlist entries (waiting or offered), soonest slot first, as JSON array.
CREATE FUNCTION api.my_waitlist(p_actor uuid) RETURNS jsonb
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
    SELECT coalesce(jsonb_agg(internal.waitlist_entry_json(w) ORDER BY w.starts_at, w.position), '[]')
      FROM booking.waitlist_entries w
     WHERE w.user_id = p_actor AND w.status IN ('waiting', 'offered')
$$;
