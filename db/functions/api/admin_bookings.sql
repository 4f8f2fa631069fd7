-- The admin's bookings overview: bookings filtered as internal.find_bookings does, latest
-- start first, one page at a time (each as api.booking_json shows it to its owner).
CREATE FUNCTION api.admin_bookings(
    p_actor uuid,
    p_service text DEFAULT NULL,
    p_resource text DEFAULT NULL,
    p_status text DEFAULT NULL,
    p_from timestamptz DEFAULT NULL,
    p_to timestamptz DEFAULT NULL,
    p_q text DEFAULT NULL,
    p_page integer DEFAULT 1,
    p_limit integer DEFAULT 50
) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
BEGIN
    PERFORM internal.require_admin(p_actor);
    PERFORM internal.check_page(p_page, p_limit, 200);
    RETURN (
        WITH matching AS (SELECT * FROM internal.find_bookings(p_service, p_resource, p_status, p_from, p_to, p_q))
        SELECT internal.page_json(
            (SELECT jsonb_agg(api.booking_json(b) ORDER BY b.starts_at DESC, b.id)
               FROM (SELECT * FROM matching m ORDER BY m.starts_at DESC, m.id
                      LIMIT p_limit OFFSET (p_page - 1)::bigint * p_limit) b),
            (SELECT count(*) FROM matching), p_page, p_limit));
END
$$;
