-- Record that the SMTP server accepted outbox row p_id: status 'sent' and sent_at.
-- It is recorded even if the lease had lapsed meanwhile, since the email did go out;
-- returns false when the row was already 'sent' (another worker re-sent it).
CREATE FUNCTION api.mark_notification_sent(p_id bigint, p_worker text) RETURNS boolean
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
    WITH marked AS (
        UPDATE booking.notification_log
           SET status = 'sent', sent_at = now(), locked_at = NULL, locked_by = p_worker
         WHERE id = p_id AND status <> 'sent'
        RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM marked)
$$;
