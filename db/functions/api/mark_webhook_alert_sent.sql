-- The admins were emailed about endpoint p_endpoint's disabling (see api.webhook_alerts).
CREATE FUNCTION api.mark_webhook_alert_sent(p_endpoint uuid) RETURNS boolean
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
BEGIN
    UPDATE booking.webhook_endpoints SET admins_notified_at = now()
     WHERE id = p_endpoint AND admins_notified_at IS NULL AND NOT active;
    RETURN FOUND;
END
$$;
