-- The public catalogue (GET /services): active services that are public, or for
-- members too when p_members; searched literally by name/description/venue, sorted by
-- name, price or start (the fixed window's start, else the next bookable slot), one page
-- at a time ({"data", "meta"} as internal.page_json). Each item is the service's JSON
-- (internal.service_json) with capacity and seats_left (fixed-window services) and
-- next_available (the first bookable slot within 14 days, or within the window).
CREATE FUNCTION api.service_catalogue(
    p_search text DEFAULT NULL,
    p_sort text DEFAULT 'name',
    p_descending boolean DEFAULT false,
    p_page integer DEFAULT 1,
    p_limit integer DEFAULT 20,
    p_members boolean DEFAULT false
) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
BEGIN
    PERFORM internal.check_page(p_page, p_limit, 50);
    PERFORM internal.check_one_of('sort', p_sort, ARRAY['name', 'price', 'starts_at']);
    RETURN (
    WITH matching AS (
        SELECT s AS svc
          FROM booking.services s
         WHERE s.active
           AND (s.visibility = 'public' OR (p_members AND s.visibility = 'members'))
           AND (p_search IS NULL OR p_search = ''
                OR s.name ILIKE internal.contains_pattern(p_search)
                OR s.description ILIKE internal.contains_pattern(p_search)
                OR s.venue ILIKE internal.contains_pattern(p_search))
    ),
    ranked AS (
        SELECT m.svc AS m, (SELECT min(a.starts_at) FROM api.available_slots((m.svc).id::text,
                       coalesce(lower((m.svc).fixed_window), now()),
                       coalesce(upper((m.svc).fixed_window), now() + interval '14 days')) a) AS next_available
          FROM matching m
    ),
    page AS (
        SELECT r.m AS svc, r.next_available,
               CASE p_sort
                   WHEN 'price' THEN to_char((r.m).price, 'FM0000000000.00')
                   WHEN 'starts_at' THEN to_char(coalesce(lower((r.m).fixed_window), r.next_available)
                                                 AT TIME ZONE 'UTC', 'YYYYMMDDHH24MISS')
                   ELSE lower((r.m).name) END AS sort_key
          FROM ranked r
    ),
    shown AS (
        SELECT * FROM page
         ORDER BY CASE WHEN NOT p_descending THEN sort_key END ASC NULLS LAST,
                  CASE WHEN p_descending THEN sort_key END DESC NULLS LAST, (svc).slug
         LIMIT p_limit OFFSET (p_page - 1)::bigint * p_limit
    )
    SELECT internal.page_json(
        (SELECT jsonb_agg(internal.service_json(c.svc) || jsonb_build_object(
                   'capacity', CASE WHEN (c.svc).fixed_window IS NOT NULL THEN (
                       SELECT sum(r.capacity) FROM booking.service_resources sr
                         JOIN booking.resources r ON r.id = sr.resource_id AND r.active
                        WHERE sr.service_id = (c.svc).id) END,
                   'seats_left', CASE WHEN (c.svc).fixed_window IS NOT NULL THEN coalesce((
                       SELECT sum(g.seats_left) FROM api.slot_grid((c.svc).id::text, lower((c.svc).fixed_window),
                                                                  upper((c.svc).fixed_window)) g), 0) END,
                   'next_available', c.next_available)
                   ORDER BY CASE WHEN NOT p_descending THEN c.sort_key END ASC NULLS LAST,
                            CASE WHEN p_descending THEN c.sort_key END DESC NULLS LAST, (c.svc).slug)
           FROM shown c),
        (SELECT count(*) FROM matching), p_page, p_limit));
END
$$;
