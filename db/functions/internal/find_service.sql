-- A service by slug or id; RB404 when it does not exist or is inactive.
CREATE FUNCTION internal.find_service(p_service text) RETURNS booking.services
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v_service booking.services;
BEGIN
    IF p_service ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
        SELECT * INTO v_service FROM booking.services WHERE id = p_service::uuid AND active;
    ELSE
        SELECT * INTO v_service FROM booking.services WHERE slug = p_service AND active;
    END IF;
    IF v_service.id IS NULL THEN
        PERFORM internal.fail_not_found('service');
    END IF;
    RETURN v_service;
END
$$;
