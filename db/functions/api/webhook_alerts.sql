-- Endpoints disabled after persistent failure whose admins have not been emailed yet,
-- each with the active admins' addresses: the worker sends one email per endpoint, then
-- calls api.mark_webhook_alert_sent (at least once: a crash in between sends it again).
CREATE FUNCTION api.webhook_alerts() RETURNS TABLE (
    endpoint_id uuid, url text, disabled_at timestamptz, disabled_reason text, recipients text[])
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
BEGIN
    RETURN QUERY
    SELECT e.id, e.url, e.disabled_at, e.disabled_reason,
           coalesce((SELECT array_agg(u.email::text ORDER BY u.email) FROM booking.users u
                      WHERE u.role = 'admin' AND u.disabled_at IS NULL), '{}')
      FROM booking.webhook_endpoints e
     WHERE NOT e.active AND e.disabled_at IS NOT NULL AND e.admins_notified_at IS NULL
     ORDER BY e.disabled_at;
END
$$;
