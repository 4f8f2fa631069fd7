-- The public catalogue (GET /services): active services that are public, or for
-- members too when p_members; searched by name/description/venue, sorted by name,
-- price or start (the fixed window's start, else the next bookable slot), paged.
-- Each row is the service's JSON with seats_left (fixed-window services) and
-- next_available (the first bookable slot within 14 days, or within the window).
CREATE FUNCTION api.service_catalogue(
    p_search text DEFAULT NULL,
    p_sort text DEFAULT 'name',
    p_descending boolean DEFAULT false,
    p_limit integer DEFAULT 20,
    p_offset integer DEFAULT 0,
    p_members boolean DEFAULT false
) RETURNS TABLE (service jsonb, total bigint)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
    WITH matching AS (
        SELECT s.*
          FROM booking.services s
         WHERE s.active
           AND (s.visibility = 'public' OR (p_members AND s.visibility = 'members'))
           AND (p_search IS NULL OR p_search = ''
                OR s.name ILIKE '%' || replace(replace(replace(p_search, '\', '\\'), '%', '\%'), '_', '\_') || '%'
                OR s.description ILIKE '%' || replace(replace(replace(p_search, '\', '\\'), '%', '\%'), '_', '\_') || '%'
                OR s.venue ILIKE '%' || replace(replace(replace(p_search, '\', '\\'), '%', '\%'), '_', '\_') || '%')
    ),
    counted AS (
        SELECT m.*, count(*) OVER () AS total,
               (SELECT min(a.starts_at) FROM api.available_slots(m.id::text,
                    coalesce(lower(m.fixed_window), now()),
                    coalesce(upper(m.fixed_window), now() + interval '14 days')) a) AS next_available
          FROM matching m
    )
    SELECT jsonb_build_object(
               'id', c.id, 'slug', c.slug, 'name', c.name, 'description', c.description,
               'duration_minutes', c.duration_minutes, 'price', c.price::text, 'currency', c.currency,
               'max_seats_per_booking', c.max_seats_per_booking,
               'requires_confirmation', c.requires_confirmation,
               'visibility', c.visibility, 'venue', c.venue,
               'starts_at', lower(c.fixed_window), 'ends_at', upper(c.fixed_window),
               'capacity', CASE WHEN c.fixed_window IS NOT NULL THEN (
                   SELECT sum(r.capacity) FROM booking.service_resources sr
                     JOIN booking.resources r ON r.id = sr.resource_id AND r.active
                    WHERE sr.service_id = c.id) END,
               'seats_left', CASE WHEN c.fixed_window IS NOT NULL THEN coalesce((
                   SELECT sum(g.seats_left) FROM api.slot_grid(c.id::text, lower(c.fixed_window),
                                                              upper(c.fixed_window)) g), 0) END,
               'next_available', c.next_available),
           c.total
      FROM counted c
     ORDER BY
        CASE WHEN NOT p_descending THEN CASE p_sort
            WHEN 'price' THEN to_char(c.price, 'FM0000000000.00')
            WHEN 'starts_at' THEN to_char(coalesce(lower(c.fixed_window), c.next_available) AT TIME ZONE 'UTC',
                                          'YYYYMMDDHH24MISS')
            ELSE lower(c.name) END END ASC NULLS LAST,
        CASE WHEN p_descending THEN CASE p_sort
            WHEN 'price' THEN to_char(c.price, 'FM0000000000.00')
            WHEN 'starts_at' THEN to_char(coalesce(lower(c.fixed_window), c.next_available) AT TIME ZONE 'UTC',
                                          'YYYYMMDDHH24MISS')
            ELSE lower(c.name) END END DESC NULLS LAST,
        c.slug
     LIMIT p_limit OFFSET p_offset
$$;
