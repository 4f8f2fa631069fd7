-- The weekly opening hours of a resource, ordered by weekday and start.
CREATE FUNCTION api.availability_rules(p_actor uuid, p_resource uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
BEGIN
    RETURN api.admin_resource(p_actor, p_resource) -> 'rules';
END
$$;
