-- The admin's bookings overview: bookings filtered as internal.find_bookings does, one page
-- at a time (each as api.booking_json shows it to its owner).
-- Without p_around: latest start first, pages from 1.
-- With p_around (an instant, e.g. the admin's local midnight of today): earliest start
-- first, and the pages are cut at p_around so that one page starts with the first booking
-- starting at or after it: meta.around_page; earlier pages hold the bookings before it
-- (page 1 the earliest, possibly short), later pages those after. p_page NULL means
-- meta.around_page, so paging runs both ways from "today" (issue 13).
CREATE FUNCTION api.admin_bookings(
    p_actor uuid,
    p_service text DEFAULT NULL,
    p_resource text DEFAULT NULL,
    p_status text DEFAULT NULL,
    p_from timestamptz DEFAULT NULL,
    p_to timestamptz DEFAULT NULL,
    p_q text DEFAULT NULL,
    p_page integer DEFAULT 1,
    p_limit integer DEFAULT 50,
    p_around timestamptz DEFAULT NULL
) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v_total bigint;
    v_before bigint;
    v_anchor bigint;
    v_page bigint;
    v_offset bigint;
BEGIN
    PERFORM internal.require_admin(p_actor);
    IF p_around IS NULL THEN
        PERFORM internal.check_page(p_page, p_limit, 200);
        RETURN (
            WITH matching AS (SELECT * FROM internal.find_bookings(p_service, p_resource, p_status, p_from, p_to, p_q))
            SELECT internal.page_json(
                (SELECT jsonb_agg(api.booking_json(b) ORDER BY b.starts_at DESC, b.id)
                   FROM (SELECT * FROM matching m ORDER BY m.starts_at DESC, m.id
                          LIMIT p_limit OFFSET (p_page - 1)::bigint * p_limit) b),
                (SELECT count(*) FROM matching), p_page, p_limit));
    END IF;
    PERFORM internal.check_page(coalesce(p_page, 1), p_limit, 200);
    SELECT count(*), count(*) FILTER (WHERE m.starts_at < p_around)
      INTO v_total, v_before
      FROM internal.find_bookings(p_service, p_resource, p_status, p_from, p_to, p_q) m;
    v_anchor := (v_before + p_limit - 1) / p_limit + 1;
    v_page := coalesce(p_page, v_anchor);
    v_offset := v_before + (v_page - v_anchor) * p_limit;  -- negative on a short first page
    RETURN jsonb_build_object(
        'data', coalesce((
            SELECT jsonb_agg(api.booking_json(b) ORDER BY b.starts_at, b.id)
              FROM (SELECT * FROM internal.find_bookings(p_service, p_resource, p_status, p_from, p_to, p_q) m
                     ORDER BY m.starts_at, m.id
                     LIMIT greatest(p_limit + least(v_offset, 0), 0) OFFSET greatest(v_offset, 0)) b), '[]'),
        'meta', jsonb_build_object(
            'total', v_total, 'page', v_page, 'limit', p_limit,
            'total_pages', v_anchor - 1 + greatest((v_total - v_before + p_limit - 1) / p_limit, 1),
            'around', p_around, 'around_page', v_anchor, 'before', v_before));
END
$$;
