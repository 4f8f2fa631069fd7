-- Every resource (active or not) as the admin API shows it, by slug, one page at a time.
CREATE FUNCTION api.admin_resources(p_actor uuid, p_page integer DEFAULT 1, p_limit integer DEFAULT 200)
    RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
BEGIN
    PERFORM internal.require_admin(p_actor);
    PERFORM internal.check_page(p_page, p_limit, 200);
    RETURN internal.page_json(
        (SELECT jsonb_agg(internal.resource_json(r) ORDER BY r.slug)
           FROM (SELECT * FROM booking.resources ORDER BY slug
                  LIMIT p_limit OFFSET (p_page - 1)::bigint * p_limit) r),
        (SELECT count(*) FROM booking.resources), p_page, p_limit);
END
$$;
