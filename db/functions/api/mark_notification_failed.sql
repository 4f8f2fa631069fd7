-- Record a failed delivery of outbox row p_id by the worker holding its lease.
-- With p_retry_in_seconds (a transient failure: connection refused, SMTP 4xx) the row
-- goes back to 'pending', due after that delay, unless it has used all its attempts;
-- without it (a permanent failure: SMTP 5xx, an unrenderable payload) it is 'failed'.
-- Failed rows show in report.notification_health and api.retry_notification re-queues
-- them. Returns the row's new status, or NULL when p_worker no longer holds the lease.
CREATE FUNCTION api.mark_notification_failed(
    p_id bigint,
    p_worker text,
    p_error text,
    p_retry_in_seconds double precision DEFAULT NULL
) RETURNS booking.notification_status
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
    UPDATE booking.notification_log
       SET status = CASE WHEN p_retry_in_seconds IS NULL OR attempts >= max_attempts
                         THEN 'failed' ELSE 'pending' END::booking.notification_status,
           next_attempt_at = CASE WHEN p_retry_in_seconds IS NULL OR attempts >= max_attempts
                                  THEN next_attempt_at
                                  ELSE now() + make_interval(secs => p_retry_in_seconds) END,
           locked_at = NULL,
           locked_by = NULL,
           last_error = left(p_error, 2000)
     WHERE id = p_id AND status = 'sending' AND locked_by = p_worker
    RETURNING status
$$;
