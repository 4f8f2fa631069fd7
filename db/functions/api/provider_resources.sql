-- The resources p_actor owns (the provider's own), by slug, each as the admin API shows a
-- resource (with its weekly rules) plus its closures that have not ended. Empty for a
-- user who owns none.
CREATE FUNCTION api.provider_resources(p_actor uuid) RETURNS jsonb
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
    SELECT coalesce(jsonb_agg(internal.resource_json(r) || jsonb_build_object(
               'closures', coalesce((SELECT jsonb_agg(internal.closure_json(c) ORDER BY lower(c.during))
                                       FROM booking.closures c
                                      WHERE c.resource_id = r.id AND upper(c.during) > now()), '[]'))
               ORDER BY r.slug), '[]')
      FROM booking.resources r
     WHERE r.owner_id = p_actor
$$;
