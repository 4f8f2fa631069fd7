-- Claim up to p_limit due outbox rows for worker p_worker, as a lease, in one statement:
-- the rows are locked with FOR UPDATE SKIP LOCKED (concurrent workers never wait for
-- nor share a row), then marked 'sending' with attempts + 1. The lease runs until
-- next_attempt_at = now() + p_lease_seconds, which the worker renews while it sends
-- (api.renew_notifications); a worker that dies leaves its rows 'sending' and they become
-- due again when the short lease runs out (at most one duplicate email, with the same
-- Message-ID). No transaction stays open while the worker talks to SMTP.
-- Lapsed leases of rows that have used all their attempts become 'failed' instead.
-- A reminder that comes due only once its booking has started (the workers were down or
-- far behind) is dropped, never sent late, as a cancelled booking's reminders are.
CREATE FUNCTION api.claim_notifications(
    p_worker text,
    p_limit integer DEFAULT 20,
    p_lease_seconds double precision DEFAULT 30
) RETURNS SETOF booking.notification_log
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
BEGIN
    DELETE FROM booking.notification_log n
     USING booking.bookings b
     WHERE n.id IN (SELECT id FROM booking.notification_log
                     WHERE kind = 'customer_reminder' AND status IN ('pending', 'sending')
                       AND next_attempt_at <= now()
                       FOR UPDATE SKIP LOCKED)
       AND b.id = n.booking_id AND b.starts_at <= now();

    UPDATE booking.notification_log n
       SET status = 'failed', locked_at = NULL, locked_by = NULL,
           last_error = format('lease of %s expired after attempt %s of %s (worker stopped?)',
                               n.locked_by, n.attempts, n.max_attempts)
     WHERE n.id IN (SELECT id FROM booking.notification_log
                     WHERE status = 'sending' AND next_attempt_at <= now() AND attempts >= max_attempts
                       FOR UPDATE SKIP LOCKED);

    -- internal.with_email_actions adds the signed confirm/decline links to a provider's
    -- "please confirm" row as it leaves (never stored in the outbox).
    RETURN QUERY
    WITH due AS (
        SELECT id
          FROM booking.notification_log
         WHERE status IN ('pending', 'sending') AND next_attempt_at <= now()
         ORDER BY next_attempt_at, id
         LIMIT p_limit
           FOR UPDATE SKIP LOCKED
    ), claimed AS (
        UPDATE booking.notification_log n
           SET status = 'sending',
               locked_at = now(),
               locked_by = p_worker,
               attempts = n.attempts + 1,
               next_attempt_at = now() + make_interval(secs => p_lease_seconds)
          FROM due
         WHERE n.id = due.id
        RETURNING n.*
    )
    SELECT w.* FROM claimed c, LATERAL internal.with_email_actions(c::booking.notification_log) w;
END
$$;
