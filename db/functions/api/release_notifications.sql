-- Hand back claimed rows that worker p_worker did not try to send (it is shutting
-- down): they become due at once, and the claim does not count as an attempt.
CREATE FUNCTION api.release_notifications(p_ids bigint[], p_worker text) RETURNS integer
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
    WITH released AS (
        UPDATE booking.notification_log
           SET status = 'pending', next_attempt_at = now(), locked_at = NULL, locked_by = NULL,
               attempts = greatest(attempts - 1, 0)
         WHERE id = ANY (p_ids) AND status = 'sending' AND locked_by = p_worker
        RETURNING 1
    )
    SELECT count(*)::integer FROM released
$$;
