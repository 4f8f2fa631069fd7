-- Explain why no resource of a service is open at the requested start: RB404 when the
-- named resource does not deliver the service, else RB422 on starts_at (a closure, or
-- outside the opening hours). Used by book_slot/hold_slot and reschedule_booking.
CREATE FUNCTION internal.fail_not_open(p_service_id uuid, p_resource uuid, p_closed boolean) RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    IF p_resource IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM booking.service_resources WHERE service_id = p_service_id AND resource_id = p_resource
    ) THEN
        PERFORM internal.fail_not_found('resource');
    END IF;
    IF p_closed THEN
        PERFORM internal.fail_invalid('starts_at', 'falls in a closure of the resource');
    END IF;
    PERFORM internal.fail_invalid('starts_at', 'is outside the opening hours');
END
$$;
