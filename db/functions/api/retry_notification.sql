-- Re-queue a 'failed' outbox row (after fixing the address or the mail server): it is
-- due at once with a fresh set of attempts, and the workers are woken. p_actor NULL
-- means a trusted caller (a DBA in psql); otherwise only admins may. Retrying a row
-- that is not 'failed' changes nothing and returns it as it is.
CREATE FUNCTION api.retry_notification(p_id bigint, p_actor uuid DEFAULT NULL)
    RETURNS booking.notification_log
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v_row booking.notification_log;
BEGIN
    IF p_actor IS NOT NULL AND NOT internal.is_admin(p_actor) THEN
        RAISE EXCEPTION USING ERRCODE = 'RB403', MESSAGE = 'only admins may retry notifications';
    END IF;
    UPDATE booking.notification_log
       SET status = 'pending', attempts = 0, next_attempt_at = now(), locked_at = NULL, locked_by = NULL
     WHERE id = p_id AND status = 'failed'
    RETURNING * INTO v_row;
    IF v_row.id IS NULL THEN
        SELECT * INTO v_row FROM booking.notification_log WHERE id = p_id;
        IF v_row.id IS NULL THEN
            PERFORM internal.fail_not_found('notification');
        END IF;
    END IF;
    RETURN v_row;
END
$$;
