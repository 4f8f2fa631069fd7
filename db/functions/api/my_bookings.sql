-- The actor's own bookings by start, overlapping [p_from, p_to) when given, of the
-- statuses in p_statuses when given, one page at a time.
CREATE FUNCTION api.my_bookings(
    p_actor uuid,
    p_from timestamptz DEFAULT NULL,
    p_to timestamptz DEFAULT NULL,
    p_statuses text[] DEFAULT NULL,
    p_page integer DEFAULT 1,
    p_limit integer DEFAULT 20
) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v_all text[] := enum_range(NULL::booking.booking_status)::text[];
BEGIN
    PERFORM internal.check_page(p_page, p_limit, 50);
    IF NOT p_statuses <@ v_all THEN
        PERFORM internal.fail_invalid('status', 'must be a comma-separated list of ' || array_to_string(v_all, ', '));
    END IF;
    RETURN (
        WITH matching AS (
            SELECT b.* FROM booking.bookings b
             WHERE b.user_id = p_actor
               AND (p_from IS NULL OR b.ends_at > p_from)
               AND (p_to IS NULL OR b.starts_at < p_to)
               AND (p_statuses IS NULL OR b.status::text = ANY (p_statuses)))
        SELECT internal.page_json(
            (SELECT jsonb_agg(api.booking_json(b) ORDER BY b.starts_at, b.id)
               FROM (SELECT * FROM matching m ORDER BY m.starts_at, m.id
                      LIMIT p_limit OFFSET (p_page - 1)::bigint * p_limit) b),
            (SELECT count(*) FROM matching), p_page, p_limit));
END
$$;
