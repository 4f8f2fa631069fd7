-- The outbox for admins, newest first, optionally of one status, one page at a time; an
-- account email (password reset, verification) has no booking_id nor reference.
CREATE FUNCTION api.admin_notifications(
    p_actor uuid, p_status text DEFAULT NULL, p_page integer DEFAULT 1, p_limit integer DEFAULT 50
) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
BEGIN
    PERFORM internal.require_admin(p_actor);
    PERFORM internal.check_page(p_page, p_limit, 200);
    PERFORM internal.check_one_of('status', p_status, enum_range(NULL::booking.notification_status)::text[]);
    RETURN (
        WITH matching AS (
            SELECT n.* FROM booking.notification_log n WHERE p_status IS NULL OR n.status::text = p_status)
        SELECT internal.page_json(
            (SELECT jsonb_agg(jsonb_build_object(
                        'id', n.id, 'booking_id', n.booking_id, 'reference', b.reference, 'kind', n.kind,
                        'recipient', n.recipient, 'status', n.status, 'attempts', n.attempts,
                        'max_attempts', n.max_attempts, 'next_attempt_at', n.next_attempt_at,
                        'last_error', n.last_error, 'message_id', n.message_id, 'created_at', n.created_at,
                        'sent_at', n.sent_at) ORDER BY n.id DESC)
               FROM (SELECT * FROM matching m ORDER BY m.id DESC
                      LIMIT p_limit OFFSET (p_page - 1)::bigint * p_limit) n
               LEFT JOIN booking.bookings b ON b.id = n.booking_id),  -- account emails have none (issue 14)
            (SELECT count(*) FROM matching), p_page, p_limit));
END
$$;
