-- Deactivate (p_active false) or re-activate a service: existing bookings stay; an
-- inactive one is not listed and offers no slots. Returns it.
CREATE FUNCTION api.set_service_active(p_actor uuid, p_service uuid, p_active boolean) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v booking.services;
BEGIN
    PERFORM internal.lock_service(p_actor, p_service);
    v := internal.write_service(p_service, jsonb_build_object('active', p_active));
    RETURN internal.service_json(v, p_admin => true);  -- a statement of its own: it sees the write
END
$$;
