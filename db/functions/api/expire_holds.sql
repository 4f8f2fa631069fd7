-- Mark lapsed holds expired, freeing their slots; returns how many lapsed.
-- The worker calls it periodically; book_slot also expires lapsed holds in its way
-- (both through internal.expire_lapsed_holds). It also drops the seat counters of
-- sessions that ended a day ago (nothing books a past session), and does the waitlist's
-- sweep (internal.waitlist_sweep: lapsed holds where people wait expire first, under their
-- resources' locks, and pass their seats on as offers; internal.waitlist_reoffer last).
CREATE FUNCTION api.expire_holds() RETURNS integer
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v_id bigint;
    v_lapsed integer;
BEGIN
    FOR v_id IN
        DELETE FROM booking.seat_cursors WHERE upper(during) < now() - interval '1 day' RETURNING id
    LOOP
        EXECUTE format('DROP SEQUENCE IF EXISTS booking.seat_counter_%s', v_id);
    END LOOP;
    v_lapsed := internal.waitlist_sweep();
    -- The plain expiry holds rows of many resources: offers it passes on are made only where
    -- the resource's lock is free at once (internal.offer_seats); the rest right after.
    PERFORM set_config('booker.waitlist_nowait', 'on', true);
    v_lapsed := v_lapsed + internal.expire_lapsed_holds();
    PERFORM internal.waitlist_reoffer();
    PERFORM set_config('booker.waitlist_nowait', '', true);
    RETURN v_lapsed;
END
$$;
