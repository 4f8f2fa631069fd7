-- Mark lapsed holds expired, freeing their slots; returns how many lapsed.
-- The worker calls it periodically; book_slot also expires lapsed holds in its way.
CREATE FUNCTION api.expire_holds() RETURNS integer
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
    WITH lapsed AS (
        UPDATE booking.bookings SET status = 'expired'
         WHERE status = 'held' AND hold_expires_at <= now()
        RETURNING 1
    )
    SELECT count(*)::integer FROM lapsed
$$;
