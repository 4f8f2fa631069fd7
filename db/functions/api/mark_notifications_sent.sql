-- api.mark_notification_sent for many rows in one statement (and one commit): what the
-- worker uses, marking the messages of a batch as their SMTP replies come in, a few
-- at a time. Returns how many rows changed to 'sent'.
CREATE FUNCTION api.mark_notifications_sent(p_ids bigint[], p_worker text) RETURNS integer
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
    WITH marked AS (
        UPDATE booking.notification_log
           SET status = 'sent', sent_at = now(), locked_at = NULL, locked_by = p_worker
         WHERE id = ANY (p_ids) AND status <> 'sent'
        RETURNING 1
    )
    SELECT count(*)::integer FROM marked
$$;
