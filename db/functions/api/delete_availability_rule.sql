-- Remove one weekly rule of a resource; RB404 when the resource has no such rule.
-- Its owner (the provider) or an admin may (internal.own_resource).
CREATE FUNCTION api.delete_availability_rule(p_actor uuid, p_resource uuid, p_rule uuid) RETURNS void
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
BEGIN
    PERFORM internal.lock_own_resource(p_actor, p_resource);
    DELETE FROM booking.availability_rules WHERE id = p_rule AND resource_id = p_resource;
    IF NOT FOUND THEN
        PERFORM internal.fail_not_found('rule');
    END IF;
END
$$;
