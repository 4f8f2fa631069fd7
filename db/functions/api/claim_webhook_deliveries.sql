-- Claim up to p_limit due webhook deliveries of active endpoints for worker p_worker, as
-- a lease (like api.claim_notifications): rows locked FOR UPDATE SKIP LOCKED, marked
-- 'sending' with attempts + 1, due again at now() + p_lease_seconds if the worker dies
-- (the worker's HTTP timeout is far shorter than the lease). Per-booking order: a
-- delivery is not claimed while an earlier one (lower id) of the same endpoint and
-- booking is still pending or sending, so a receiver sees a booking's events in order
-- and one at a time. Lapsed leases with no attempts left are failed first.
-- Returns what the worker needs to send: url, secret, the body.
CREATE FUNCTION api.claim_webhook_deliveries(
    p_worker text,
    p_limit integer DEFAULT 50,
    p_lease_seconds double precision DEFAULT 60
) RETURNS TABLE (id bigint, endpoint_id uuid, booking_id uuid, event text, event_id uuid, payload jsonb,
                 attempts integer, max_attempts integer, url text, secret text)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
BEGIN
    UPDATE booking.webhook_deliveries d
       SET status = 'failed', locked_by = NULL,
           last_error = format('lease of %s expired after attempt %s of %s (worker stopped?)',
                               d.locked_by, d.attempts, d.max_attempts)
     WHERE d.id IN (SELECT x.id FROM booking.webhook_deliveries x
                     WHERE x.status = 'sending' AND x.next_attempt_at <= now() AND x.attempts >= x.max_attempts
                       FOR UPDATE SKIP LOCKED);

    RETURN QUERY
    WITH due AS (
        SELECT d.id
          FROM booking.webhook_deliveries d
          JOIN booking.webhook_endpoints e ON e.id = d.endpoint_id
         WHERE d.status IN ('pending', 'sending') AND d.next_attempt_at <= now() AND e.active
           AND NOT EXISTS (SELECT 1 FROM booking.webhook_deliveries p
                            WHERE p.endpoint_id = d.endpoint_id AND p.booking_id = d.booking_id
                              AND p.id < d.id AND p.status IN ('pending', 'sending'))
         ORDER BY d.next_attempt_at, d.id
         LIMIT p_limit
           FOR UPDATE OF d SKIP LOCKED
    ), claimed AS (
        UPDATE booking.webhook_deliveries d
           SET status = 'sending', locked_by = p_worker, attempts = d.attempts + 1,
               next_attempt_at = now() + make_interval(secs => p_lease_seconds)
          FROM due
         WHERE d.id = due.id
        RETURNING d.*
    )
    SELECT c.id, c.endpoint_id, c.booking_id, c.event, c.event_id, c.payload, c.attempts, c.max_attempts,
           e.url, e.secret
      FROM claimed c JOIN booking.webhook_endpoints e ON e.id = c.endpoint_id
     ORDER BY c.id;
END
$$;
