-- Record one attempt of a delivery leased to p_worker, in the delivery log, and return
-- the delivery's new status (NULL when p_worker does not hold the lease: nothing written).
-- A 2xx p_status_code is 'delivered'. Anything else (another code, or p_error without a
-- code: refused, timed out, a redirect elsewhere) is retried after p_retry_in seconds, or,
-- with p_retry_in NULL or no attempts left, is 'failed' — and then the endpoint is
-- disabled (persistent failure: every retry of a delivery failed, hours of backoff), which
-- queues the email to admins (api.webhook_alerts).
CREATE FUNCTION api.record_webhook_attempt(
    p_id bigint, p_worker text, p_status_code integer, p_error text,
    p_duration_ms integer DEFAULT NULL, p_retry_in double precision DEFAULT NULL
) RETURNS text
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v booking.webhook_deliveries;
    v_ok boolean := p_status_code BETWEEN 200 AND 299;
    v_error text := left(p_error, 1000);
BEGIN
    SELECT * INTO v FROM booking.webhook_deliveries d
     WHERE d.id = p_id AND d.status = 'sending' AND d.locked_by = p_worker FOR UPDATE;
    IF v.id IS NULL THEN
        RETURN NULL;
    END IF;
    INSERT INTO booking.webhook_attempts (delivery_id, attempt, status_code, error, duration_ms, worker)
    VALUES (p_id, v.attempts, p_status_code, v_error, p_duration_ms, p_worker);
    UPDATE booking.webhook_deliveries d SET
        status = CASE WHEN v_ok THEN 'delivered'
                      WHEN p_retry_in IS NULL OR d.attempts >= d.max_attempts THEN 'failed'
                      ELSE 'pending' END::booking.webhook_status,
        next_attempt_at = CASE WHEN v_ok OR p_retry_in IS NULL THEN d.next_attempt_at
                               ELSE now() + make_interval(secs => p_retry_in) END,
        delivered_at = CASE WHEN v_ok THEN now() END,
        last_status = p_status_code,
        last_error = CASE WHEN v_ok THEN NULL ELSE coalesce(v_error, format('HTTP %s', p_status_code)) END,
        locked_by = NULL
     WHERE d.id = p_id
    RETURNING * INTO v;
    IF v.status = 'failed' THEN
        UPDATE booking.webhook_endpoints e
           SET active = false, disabled_at = now(), admins_notified_at = NULL, updated_at = now(),
               disabled_reason = format('delivery %s (%s) failed %s time(s); last: %s',
                                        v.id, v.event, v.attempts, v.last_error)
         WHERE e.id = v.endpoint_id AND e.active;
    END IF;
    RETURN v.status::text;
END
$$;
