-- Turn a live hold into a pending or confirmed booking, keeping its slot and seats.
CREATE FUNCTION internal.convert_hold(
    p_service booking.services, p_hold uuid, p_starts_at timestamptz, p_fields booking.bookings
) RETURNS booking.bookings
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_hold booking.bookings;
BEGIN
    SELECT * INTO v_hold FROM booking.bookings WHERE id = p_hold FOR UPDATE;
    IF v_hold.id IS NULL OR v_hold.service_id <> p_service.id
       OR (v_hold.user_id IS NOT NULL AND v_hold.user_id IS DISTINCT FROM p_fields.user_id) THEN
        PERFORM internal.fail_not_found('hold');
    END IF;
    IF p_starts_at IS NOT NULL AND p_starts_at <> v_hold.starts_at THEN
        PERFORM internal.fail_invalid('starts_at', 'does not match the hold');
    END IF;
    IF v_hold.status <> 'held' OR v_hold.hold_expires_at <= now() THEN
        PERFORM internal.conflict(p_service, v_hold.starts_at, v_hold.seat_count,
            'the hold has expired and its slot may be gone');
    END IF;
    UPDATE booking.bookings SET
        status = p_fields.status,
        hold_expires_at = NULL,
        user_id = coalesce(p_fields.user_id, user_id),
        attendee_name = p_fields.attendee_name,
        attendee_email = p_fields.attendee_email,
        attendee_phone = p_fields.attendee_phone,
        attendee_timezone = p_fields.attendee_timezone,
        notes = p_fields.notes,
        metadata = p_fields.metadata,
        idempotency_owner = p_fields.idempotency_owner,
        idempotency_key = p_fields.idempotency_key,
        request_hash = p_fields.request_hash,
        manage_token_hash = coalesce(p_fields.manage_token_hash, manage_token_hash)
    WHERE id = p_hold
    RETURNING * INTO v_hold;
    RETURN v_hold;
END
$$;
