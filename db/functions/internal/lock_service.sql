-- Lock a service for a change by an admin: RB403 unless p_actor is one, RB404 when missing
-- (inactive services included: an admin may change and re-activate them).
CREATE FUNCTION internal.lock_service(p_actor uuid, p_service uuid) RETURNS booking.services
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v booking.services;
BEGIN
    PERFORM internal.require_admin(p_actor);
    SELECT * INTO v FROM booking.services WHERE id = p_service FOR UPDATE;
    IF v.id IS NULL THEN
        PERFORM internal.fail_not_found('service');
    END IF;
    RETURN v;
END
$$;
