-- The registered endpoints (admins), newest first, with delivery counts; {"data": [...]}.
CREATE FUNCTION api.webhook_endpoints(p_actor uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
BEGIN
    PERFORM internal.require_admin(p_actor);
    RETURN jsonb_build_object('data', coalesce(
        (SELECT jsonb_agg(internal.webhook_endpoint_json(e) ORDER BY e.created_at DESC, e.id)
           FROM booking.webhook_endpoints e), '[]'));
END
$$;
