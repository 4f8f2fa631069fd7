-- One resource, with its owner and weekly rules; RB404 when there is none.
CREATE FUNCTION api.admin_resource(p_actor uuid, p_resource uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v booking.resources;
BEGIN
    PERFORM internal.require_admin(p_actor);
    SELECT * INTO v FROM booking.resources WHERE id = p_resource;
    IF v.id IS NULL THEN
        PERFORM internal.fail_not_found('resource');
    END IF;
    RETURN internal.resource_json(v);
END
$$;
