-- Admins: the waitlist entries of upcoming slots (optionally of one service, and of the given
-- statuses; default the live ones: waiting and offered), by service, slot and place in line,
-- as {"data": [entry, ...]} with each entry as internal.waitlist_entry_json plus `position`
-- (the sort key api.move_waitlist_entry rewrites) and the service's waitlist_offer_minutes;
-- `offer_minutes` maps every service's slug to its offer time.
CREATE FUNCTION api.admin_waitlist(p_actor uuid, p_service text DEFAULT NULL, p_statuses text[] DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v_service booking.services;
    v_all text[] := ARRAY['waiting', 'offered', 'booked', 'lapsed', 'declined', 'left', 'ended'];
BEGIN
    PERFORM internal.require_admin(p_actor);
    IF p_service IS NOT NULL THEN
        v_service := internal.find_service(p_service);
    END IF;
    IF NOT coalesce(p_statuses, '{}') <@ v_all THEN
        PERFORM internal.fail_invalid('status', 'must be a comma-separated list of ' || array_to_string(v_all, ', '));
    END IF;
    RETURN jsonb_build_object('data', coalesce((
        SELECT jsonb_agg(internal.waitlist_entry_json(w) || jsonb_build_object(
                   'position', w.position, 'waitlist_offer_minutes', s.waitlist_offer_minutes)
                 ORDER BY s.slug, w.starts_at, w.status <> 'offered', w.position, w.id)
          FROM booking.waitlist_entries w
          JOIN booking.services s ON s.id = w.service_id
         WHERE (v_service.id IS NULL OR w.service_id = v_service.id)
           AND w.status = ANY (coalesce(p_statuses, ARRAY['waiting', 'offered']))
           AND w.starts_at > now() - interval '1 day'), '[]'),
        'offer_minutes', (SELECT coalesce(jsonb_object_agg(slug, waitlist_offer_minutes), '{}') FROM booking.services));
END
$$;
