-- Take the resources' maintenance locks (transaction-scoped advisory locks), all at once
-- and in one global order (by lock key), so two transactions can never wait for each
-- other's maintenance locks. A transaction holds them before it changes existing bookings
-- of these resources and then inserts or moves a booking into them: expiring lapsed holds
-- in the way (internal.expire_lapsed_holds) and moving a booking (internal.place_booking).
-- See docs/decisions.md, "Seat allocation", for why the allocation cannot deadlock.
CREATE FUNCTION internal.lock_resources(p_resources uuid[]) RETURNS void
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_key integer;
BEGIN
    FOR v_key IN
        SELECT DISTINCT hashtext(r::text) FROM unnest(p_resources) AS r ORDER BY 1
    LOOP
        PERFORM pg_advisory_xact_lock(1010, v_key);
    END LOOP;
END
$$;
