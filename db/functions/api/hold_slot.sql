-- Hold a slot for p_minutes during checkout. The hold blocks the slot like a booking;
-- book_slot(p_hold => id) converts it, api.expire_holds() lets it lapse.
CREATE FUNCTION api.hold_slot(
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
    v_service booking.services := internal.find_service(p_service);
    v_fields booking.bookings;
BEGIN
    PERFORM internal.set_actor(p_user);
    IF p_minutes IS NULL OR p_minutes NOT BETWEEN 1 AND 60 THEN
        PERFORM internal.fail_invalid('minutes', 'must be between 1 and 60');
    END IF;
    IF p_user IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM booking.users WHERE id = p_user AND disabled_at IS NULL
    ) THEN
        PERFORM internal.fail_not_found('user');  -- as book_slot does (not a 23503 from the FK)
    END IF;
    IF p_user IS NULL AND v_service.visibility = 'members' THEN  -- unlisted services are bookable by link
        RAISE EXCEPTION USING ERRCODE = 'RB403', MESSAGE = 'sign in to book this service';
    END IF;
    v_fields.user_id := p_user;
    v_fields.created_by := p_user;
    v_fields.status := 'held';
    v_fields.hold_expires_at := now() + make_interval(mins => p_minutes);
    RETURN internal.place_booking(v_service, p_starts_at, p_seats, p_resource, v_fields);
END
$$;
