-- Remove a closure of a resource; RB404 when the resource has no such closure. Its owner
-- (the provider) or an admin may (internal.own_resource).
CREATE FUNCTION api.delete_closure(p_actor uuid, p_resource uuid, p_closure uuid) RETURNS void
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
BEGIN
    PERFORM internal.lock_own_resource(p_actor, p_resource);
    DELETE FROM booking.closures WHERE id = p_closure AND resource_id = p_resource;
    IF NOT FOUND THEN
        PERFORM internal.fail_not_found('closure');
    END IF;
END
$$;
