-- Lock a booking that a provider or admin is about to confirm or decline.
-- RB404 when missing, RB403 when the actor is neither, RB409 when it is not pending
-- (and not already in p_target, which makes the call idempotent).
CREATE FUNCTION internal.lock_pending_booking(p_booking uuid, p_actor uuid, p_target booking.booking_status)
    RETURNS booking.bookings
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_booking booking.bookings;
BEGIN
    v_booking := internal.lock_booking(p_booking, p_actor);
    IF p_actor IS NOT NULL AND NOT internal.is_admin(p_actor) AND NOT EXISTS (
        SELECT 1 FROM booking.resources WHERE id = v_booking.resource_id AND owner_id = p_actor
    ) THEN
        RAISE EXCEPTION USING ERRCODE = 'RB403', MESSAGE = 'only the provider or an admin may decide';
    END IF;
    IF v_booking.status NOT IN ('pending', p_target) THEN
        RAISE EXCEPTION USING ERRCODE = 'RB409',
            MESSAGE = format('booking is %s, not pending', v_booking.status),
            DETAIL = '{"alternatives": []}';
    END IF;
    RETURN v_booking;
END
$$;
