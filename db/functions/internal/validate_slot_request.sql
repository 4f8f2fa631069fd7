-- Checks a requested start and seat count against the service's rules, raising RB422
-- with the field named. Availability itself is decided later, by the constraint.
CREATE FUNCTION internal.validate_slot_request(p_service booking.services, p_starts_at timestamptz, p_seats integer)
    RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    IF p_starts_at IS NULL THEN
        PERFORM internal.fail_invalid('starts_at', 'is required');
    END IF;
    IF NOT booking.on_grid(p_starts_at) THEN
        PERFORM internal.fail_invalid('starts_at', 'must lie on the 15-minute grid (:00, :15, :30 or :45)');
    END IF;
    IF p_seats IS NULL OR p_seats < 1 THEN
        PERFORM internal.fail_invalid('seats', 'must be at least 1');
    END IF;
    IF p_seats > p_service.max_seats_per_booking THEN
        PERFORM internal.fail_invalid('seats',
            format('at most %s seats per booking for this service', p_service.max_seats_per_booking));
    END IF;
    IF p_starts_at < now() THEN
        PERFORM internal.fail_invalid('starts_at', 'is in the past');
    END IF;
    IF p_starts_at < now() + make_interval(mins => p_service.min_notice_minutes) THEN
        PERFORM internal.fail_invalid('starts_at',
            format('is too soon: book at least %s minutes ahead', p_service.min_notice_minutes));
    END IF;
    IF p_starts_at > now() + make_interval(hours => 24 * p_service.max_advance_days) THEN
        PERFORM internal.fail_invalid('starts_at',
            format('is too far ahead: book at most %s days ahead', p_service.max_advance_days));
    END IF;
    IF p_service.fixed_window IS NOT NULL AND p_starts_at <> lower(p_service.fixed_window) THEN
        PERFORM internal.fail_invalid('starts_at',
            format('this event starts at %s', lower(p_service.fixed_window)));
    END IF;
END
$$;
