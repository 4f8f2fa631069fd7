-- Move a booking to another start and/or resource on behalf of the people who run the
-- day: an admin, or the provider who owns the booking's resource (and, for another
-- resource, that one too). Unlike api.reschedule_booking (the customer's change) the
-- cancellation cutoff does not apply; a move inside it is noted in the audit row. The
-- booking rules of the new slot do (grid, opening hours, closures, notice, advance), the
-- new resource must deliver the service, and the exclusion constraint decides: RB409 with
-- alternatives on conflict, and nothing changes. Placed by internal.place_booking in one
-- UPDATE, so the attendee and the provider get the updated invitation (SEQUENCE + 1).
CREATE FUNCTION api.move_booking(
    p_booking uuid,
    p_actor uuid,
    p_starts_at timestamptz,
    p_resource uuid DEFAULT NULL
) RETURNS booking.bookings
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v_booking booking.bookings;
    v_service booking.services;
    v_admin boolean := p_actor IS NULL OR internal.is_admin(p_actor);
    v_moved booking.bookings;
BEGIN
    IF p_starts_at IS NULL THEN
        PERFORM internal.fail_invalid('starts_at', 'is required');
    END IF;
    -- Read without a row lock: internal.place_booking takes the resources' locks and then
    -- the booking's row lock, in that order (docs/decisions.md, "Seat allocation").
    v_booking := internal.lock_booking(p_booking, p_actor, p_lock => false);
    IF NOT v_admin AND NOT EXISTS (
        SELECT 1 FROM booking.resources WHERE id = v_booking.resource_id AND owner_id = p_actor
    ) THEN
        RAISE EXCEPTION USING ERRCODE = 'RB403', MESSAGE = 'only the provider or an admin may move a booking';
    END IF;
    IF NOT v_admin AND p_resource IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM booking.resources WHERE id = p_resource AND owner_id = p_actor
    ) THEN
        PERFORM internal.fail_invalid('resource', 'you may move bookings only to resources you provide');
    END IF;
    IF v_booking.status NOT IN ('held', 'pending', 'confirmed') THEN
        RAISE EXCEPTION USING ERRCODE = 'RB409',
            MESSAGE = format('a %s booking cannot be moved', v_booking.status),
            DETAIL = '{"alternatives": []}';
    END IF;
    SELECT * INTO v_service FROM booking.services WHERE id = v_booking.service_id;
    IF p_starts_at = v_booking.starts_at AND coalesce(p_resource, v_booking.resource_id) = v_booking.resource_id THEN
        PERFORM internal.validate_slot_request(v_service, p_starts_at, v_booking.seat_count);
        RETURN v_booking;
    END IF;
    v_moved := internal.place_booking(v_service, p_starts_at, v_booking.seat_count,
                                      coalesce(p_resource, v_booking.resource_id), NULL, v_booking);
    IF now() > v_booking.starts_at - make_interval(mins => v_service.cancellation_cutoff_minutes) THEN
        PERFORM internal.note_override(p_booking, format('moved inside the %s-minute cutoff',
                                                         v_service.cancellation_cutoff_minutes));
    END IF;
    RETURN v_moved;
END
$$;
