-- One service (active or not) as the admin API shows it; RB404 when there is none.
CREATE FUNCTION api.admin_service(p_actor uuid, p_service uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v booking.services;
BEGIN
    PERFORM internal.require_admin(p_actor);
    SELECT * INTO v FROM booking.services WHERE id = p_service;
    IF v.id IS NULL THEN
        PERFORM internal.fail_not_found('service');
    END IF;
    RETURN internal.service_json(v, p_admin => true);
END
$$;
