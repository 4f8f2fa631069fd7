-- Extend the lease of outbox rows p_ids that worker p_worker still holds (claimed, not
-- yet marked) to now() + p_lease_seconds. The worker calls it every third of its lease
-- while a batch is out, so a live worker keeps its rows however slow SMTP is, and the
-- rows of a dead worker are due again within one short lease (30 s by default).
-- Returns how many leases were extended.
CREATE FUNCTION api.renew_notifications(p_ids bigint[], p_worker text, p_lease_seconds double precision)
    RETURNS integer
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
    WITH renewed AS (
        UPDATE booking.notification_log
           SET next_attempt_at = now() + make_interval(secs => p_lease_seconds)
         WHERE id = ANY (p_ids) AND status = 'sending' AND locked_by = p_worker
        RETURNING 1
    )
    SELECT count(*)::integer FROM renewed
$$;
