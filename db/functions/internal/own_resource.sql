-- A resource that p_actor may manage the hours and closures of: its owner (the provider)
-- or an admin. RB404 when it does not exist, RB403 for anyone else.
CREATE FUNCTION internal.own_resource(p_actor uuid, p_resource uuid) RETURNS booking.resources
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v booking.resources;
BEGIN
    SELECT * INTO v FROM booking.resources WHERE id = p_resource;
    IF v.id IS NULL THEN
        PERFORM internal.fail_not_found('resource');
    END IF;
    IF p_actor IS NULL OR NOT (v.owner_id IS NOT DISTINCT FROM p_actor OR internal.is_admin(p_actor)) THEN
        RAISE EXCEPTION USING ERRCODE = 'RB403',
            MESSAGE = 'only the resource''s owner or an admin may manage its hours and closures';
    END IF;
    RETURN v;
END
$$;
