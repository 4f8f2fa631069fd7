-- api.hold_slot for a client the edge names: p_address (the client's address) and p_user
-- (the signed-in account, or NULL) may each have at most p_max_open open holds; one more
-- raises RB429 with the seconds until the first of them lapses. The count and the new
-- hold are one decision (an advisory lock per address and per account), so concurrent
-- requests cannot overshoot the cap. p_max_open NULL: no cap (the hold is still recorded).
CREATE FUNCTION api.hold_slot_for_client(
    p_address text,
    p_max_open integer,
    p_service text,
    p_starts_at timestamptz,
    p_seats integer DEFAULT 1,
    p_resource uuid DEFAULT NULL,
    p_user uuid DEFAULT NULL,
    p_minutes integer DEFAULT 10
) RETURNS booking.bookings
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v_hold booking.bookings;
    v_address text := left(coalesce(p_address, 'unknown'), 100);
    v_by_address integer;
    v_by_user integer;
    v_first timestamptz;
BEGIN
    -- the address first, then the account: one order, so two requests never wait on each other in a cycle
    PERFORM pg_advisory_xact_lock(hashtextextended('booker.hold-client:' || v_address, 0));
    IF p_user IS NOT NULL THEN
        PERFORM pg_advisory_xact_lock(hashtextextended('booker.hold-user:' || p_user::text, 0));
    END IF;
    -- this client's rows of holds that are over (booked, released or lapsed) go first
    DELETE FROM booking.hold_clients c USING booking.bookings b
     WHERE b.id = c.booking_id AND (c.client_address = v_address OR c.user_id = p_user)
       AND NOT (b.status = 'held' AND b.hold_expires_at > now());
    IF p_max_open IS NOT NULL THEN
        SELECT count(*) FILTER (WHERE c.client_address = v_address),
               count(*) FILTER (WHERE c.user_id = p_user),
               min(b.hold_expires_at)
          INTO v_by_address, v_by_user, v_first
          FROM booking.hold_clients c JOIN booking.bookings b ON b.id = c.booking_id
         WHERE c.client_address = v_address OR c.user_id = p_user;
        IF v_by_address >= p_max_open OR v_by_user >= p_max_open THEN
            PERFORM internal.fail_rate_limited('open-holds', v_first);
        END IF;
    END IF;
    v_hold := api.hold_slot(p_service => p_service, p_starts_at => p_starts_at, p_seats => p_seats,
                            p_resource => p_resource, p_user => p_user, p_minutes => p_minutes);
    INSERT INTO booking.hold_clients (booking_id, client_address, user_id) VALUES (v_hold.id, v_address, p_user);
    RETURN v_hold;
END
$$;
