-- The delivery log of one endpoint (admins), newest first, optionally of one status, one
-- page at a time; each delivery with its attempts (time, response code or error, duration).
CREATE FUNCTION api.webhook_deliveries(
    p_actor uuid, p_endpoint uuid, p_status text DEFAULT NULL, p_page integer DEFAULT 1, p_limit integer DEFAULT 50
) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
BEGIN
    PERFORM internal.require_admin(p_actor);
    PERFORM internal.check_page(p_page, p_limit, 200);
    PERFORM internal.check_one_of('status', p_status, enum_range(NULL::booking.webhook_status)::text[]);
    IF NOT EXISTS (SELECT 1 FROM booking.webhook_endpoints WHERE id = p_endpoint) THEN
        PERFORM internal.fail_not_found('webhook endpoint');
    END IF;
    RETURN (
        WITH matching AS (
            SELECT d.* FROM booking.webhook_deliveries d
             WHERE d.endpoint_id = p_endpoint AND (p_status IS NULL OR d.status::text = p_status))
        SELECT internal.page_json(
            (SELECT jsonb_agg(jsonb_build_object(
                        'id', d.id, 'event', d.event, 'event_id', d.event_id, 'booking_id', d.booking_id,
                        'reference', d.payload #>> '{data,booking,reference}',
                        'status', d.status, 'attempts', d.attempts, 'max_attempts', d.max_attempts,
                        'next_attempt_at', d.next_attempt_at, 'last_status', d.last_status,
                        'last_error', d.last_error, 'redelivery_of', d.redelivery_of,
                        'created_at', d.created_at, 'delivered_at', d.delivered_at,
                        'log', coalesce((SELECT jsonb_agg(jsonb_build_object(
                                            'attempt', a.attempt, 'at', a.at, 'status_code', a.status_code,
                                            'error', a.error, 'duration_ms', a.duration_ms) ORDER BY a.id)
                                           FROM booking.webhook_attempts a WHERE a.delivery_id = d.id), '[]'))
                    ORDER BY d.id DESC)
               FROM (SELECT * FROM matching m ORDER BY m.id DESC
                      LIMIT p_limit OFFSET (p_page - 1)::bigint * p_limit) d),
            (SELECT count(*) FROM matching), p_page, p_limit));
END
$$;
