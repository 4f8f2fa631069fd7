-- The one place lapsed holds become 'expired' (status only: hold_expires_at stays).
--
-- p_resources NULL: the periodic sweep (api.expire_holds). It never waits: a lapsed hold
-- another transaction has locked (being converted, cancelled or expired in the way) is
-- left to that transaction or the next sweep (FOR UPDATE SKIP LOCKED).
-- Otherwise: the lapsed holds of these resources whose blocked range overlaps p_during,
-- i.e. the ones in the way of a booking being placed. Costs one index probe when there
-- are none; when there are, the resources' maintenance locks are taken first
-- (internal.lock_resources), so that two placers never each expire a hold the other
-- then waits for. Returns how many holds lapsed.
CREATE FUNCTION internal.expire_lapsed_holds(p_resources uuid[] DEFAULT NULL, p_during tstzrange DEFAULT NULL)
    RETURNS integer
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_count integer;
BEGIN
    IF p_resources IS NULL THEN
        UPDATE booking.bookings SET status = 'expired'
         WHERE id IN (SELECT id FROM booking.bookings
                       WHERE status = 'held' AND hold_expires_at <= now()
                         FOR UPDATE SKIP LOCKED);
        GET DIAGNOSTICS v_count = ROW_COUNT;
        RETURN v_count;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM booking.bookings
                    WHERE status = 'held' AND hold_expires_at <= now()
                      AND resource_id = ANY (p_resources) AND blocked && p_during) THEN
        RETURN 0;
    END IF;
    PERFORM internal.lock_resources(p_resources);
    UPDATE booking.bookings SET status = 'expired'
     WHERE status = 'held' AND hold_expires_at <= now()
       AND resource_id = ANY (p_resources) AND blocked && p_during;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END
$$;
