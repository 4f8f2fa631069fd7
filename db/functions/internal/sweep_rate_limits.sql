-- Delete counters whose window has ended and hold_clients rows whose hold is over, a
-- bounded batch at a time (rows in use are skipped). api.rate_limit calls it now and then,
-- so the tables stay small without a scheduler; api.sweep_rate_limits() calls it on demand.
CREATE FUNCTION internal.sweep_rate_limits(p_batch integer DEFAULT 1000) RETURNS integer
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_limits integer;
    v_holds integer;
BEGIN
    DELETE FROM booking.rate_limits
     WHERE ctid = ANY (ARRAY(SELECT ctid FROM booking.rate_limits WHERE window_end < now()
                              LIMIT p_batch FOR UPDATE SKIP LOCKED));
    GET DIAGNOSTICS v_limits = ROW_COUNT;
    DELETE FROM booking.hold_clients
     WHERE booking_id = ANY (ARRAY(
        SELECT c.booking_id FROM booking.hold_clients c JOIN booking.bookings b ON b.id = c.booking_id
         WHERE NOT (b.status = 'held' AND b.hold_expires_at > now())
         LIMIT p_batch FOR UPDATE OF c SKIP LOCKED));
    GET DIAGNOSTICS v_holds = ROW_COUNT;
    RETURN v_limits + v_holds;
END
$$;
