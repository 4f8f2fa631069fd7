-- The closures of a resource (one-off times it is shut), by start, for its owner (the
-- provider) or an admin (internal.own_resource).
CREATE FUNCTION api.resource_closures(p_actor uuid, p_resource uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
BEGIN
    PERFORM internal.own_resource(p_actor, p_resource);
    RETURN coalesce((SELECT jsonb_agg(internal.closure_json(c) ORDER BY lower(c.during))
                       FROM booking.closures c WHERE c.resource_id = p_resource), '[]');
END
$$;
