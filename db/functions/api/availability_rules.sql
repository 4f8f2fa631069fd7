-- The weekly opening hours of a resource, ordered by weekday and start, for its owner (the
-- provider) or an admin (internal.own_resource).
CREATE FUNCTION api.availability_rules(p_actor uuid, p_resource uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
BEGIN
    PERFORM internal.own_resource(p_actor, p_resource);
    RETURN internal.rules_json(p_resource);
END
$$;
