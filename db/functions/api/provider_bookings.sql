-- The bookings on the resources p_actor owns (the provider's workspace), by start,
-- overlapping [p_from, p_to) when given, of the statuses in p_statuses when given (default:
-- all but lapsed and abandoned holds), optionally of one of their resources, one page at
-- a time. Each as api.booking_json shows it to someone allowed to see it (attendee, notes).
CREATE FUNCTION api.provider_bookings(
    p_actor uuid,
    p_from timestamptz DEFAULT NULL,
    p_to timestamptz DEFAULT NULL,
    p_statuses text[] DEFAULT NULL,
    p_resource uuid DEFAULT NULL,
    p_page integer DEFAULT 1,
    p_limit integer DEFAULT 50
) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v_all text[] := enum_range(NULL::booking.booking_status)::text[];
BEGIN
    PERFORM internal.check_page(p_page, p_limit, 200);
    IF NOT p_statuses <@ v_all THEN
        PERFORM internal.fail_invalid('status', 'must be a comma-separated list of ' || array_to_string(v_all, ', '));
    END IF;
    IF p_to <= p_from THEN
        PERFORM internal.fail_invalid('to', 'must be after from');
    END IF;
    IF p_resource IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM booking.resources WHERE id = p_resource AND owner_id = p_actor
    ) THEN
        PERFORM internal.fail_invalid('resource', 'is not one of your resources');
    END IF;
    RETURN (
        WITH matching AS (
            SELECT b.* FROM booking.bookings b
             WHERE b.resource_id IN (SELECT r.id FROM booking.resources r
                                      WHERE r.owner_id = p_actor AND (p_resource IS NULL OR r.id = p_resource))
               AND (p_from IS NULL OR b.ends_at > p_from)
               AND (p_to IS NULL OR b.starts_at < p_to)
               AND (CASE WHEN p_statuses IS NULL THEN b.status NOT IN ('held', 'expired')
                         ELSE b.status::text = ANY (p_statuses) END))
        SELECT internal.page_json(
            (SELECT jsonb_agg(api.booking_json(b) ORDER BY b.starts_at, b.id)
               FROM (SELECT * FROM matching m ORDER BY m.starts_at, m.id
                      LIMIT p_limit OFFSET (p_page - 1)::bigint * p_limit) b),
            (SELECT count(*) FROM matching), p_page, p_limit));
END
$$;
