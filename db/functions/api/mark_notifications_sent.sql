-- Record that the SMTP server accepted outbox rows p_ids: status 'sent' and sent_at, in one
-- statement (and one commit) for the messages of a batch whose replies came in. Recorded
-- even if a lease had lapsed meanwhile, since the email did go out. Returns how many rows
-- changed to 'sent' (a row already 'sent' by another worker does not count).
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
