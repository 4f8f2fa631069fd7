-- Lock a resource for a change by an admin: RB403 unless p_actor is one, RB404 when missing.
CREATE FUNCTION internal.lock_resource(p_actor uuid, p_resource uuid) RETURNS booking.resources
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v booking.resources;
BEGIN
    PERFORM internal.require_admin(p_actor);
    SELECT * INTO v FROM booking.resources WHERE id = p_resource FOR UPDATE;
    IF v.id IS NULL THEN
        PERFORM internal.fail_not_found('resource');
    END IF;
    RETURN v;
END
$$;
