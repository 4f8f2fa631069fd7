-- The audit trail for admins, newest first, optionally of one booking, one page at a time.
CREATE FUNCTION api.admin_audit(
    p_actor uuid, p_booking uuid DEFAULT NULL, p_page integer DEFAULT 1, p_limit integer DEFAULT 50
) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
BEGIN
    PERFORM internal.require_admin(p_actor);
    PERFORM internal.check_page(p_page, p_limit, 200);
    RETURN (
        WITH matching AS (
            SELECT a.* FROM booking.booking_audit a WHERE p_booking IS NULL OR a.booking_id = p_booking)
        SELECT internal.page_json(
            (SELECT jsonb_agg(jsonb_build_object(
                        'seq', a.id, 'booking_id', a.booking_id, 'reference', bk.reference, 'action', a.action,
                        'status', a.status, 'service', s.slug, 'resource', r.slug,
                        'starts_at', a.starts_at, 'ends_at', a.ends_at, 'old_starts_at', a.old_starts_at,
                        'old_ends_at', a.old_ends_at, 'actor', a.actor, 'actor_email', u.email,
                        'db_user', a.db_user, 'override', a.override, 'at', a.at) ORDER BY a.id DESC)
               FROM (SELECT * FROM matching m ORDER BY m.id DESC
                      LIMIT p_limit OFFSET (p_page - 1)::bigint * p_limit) a
               JOIN booking.services s ON s.id = a.service_id
               JOIN booking.resources r ON r.id = a.resource_id
               LEFT JOIN booking.bookings bk ON bk.id = a.booking_id
               LEFT JOIN booking.users u ON u.id = a.actor),
            (SELECT count(*) FROM matching), p_page, p_limit));
END
$$;
