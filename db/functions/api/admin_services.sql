-- Every service (active or not) as the admin API shows it, by slug, one page at a time.
CREATE FUNCTION api.admin_services(p_actor uuid, p_page integer DEFAULT 1, p_limit integer DEFAULT 200)
    RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
BEGIN
    PERFORM internal.require_admin(p_actor);
    PERFORM internal.check_page(p_page, p_limit, 200);
    RETURN internal.page_json(
        (SELECT jsonb_agg(internal.service_json(s, p_admin => true) ORDER BY s.slug)
           FROM (SELECT * FROM booking.services ORDER BY slug
                  LIMIT p_limit OFFSET (p_page - 1)::bigint * p_limit) s),
        (SELECT count(*) FROM booking.services), p_page, p_limit);
END
$$;
