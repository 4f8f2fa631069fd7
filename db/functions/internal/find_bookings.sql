-- The bookings the admin overview shows: filtered by service and resource (slug or id),
-- status, a time range (overlapping [p_from, p_to)) and p_q, searched literally (its LIKE
-- wildcards escaped) in the reference, the attendee's name and email. NULL filters nothing.
CREATE FUNCTION internal.find_bookings(
    p_service text, p_resource text, p_status text, p_from timestamptz, p_to timestamptz, p_q text
) RETURNS SETOF booking.bookings
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    PERFORM internal.check_one_of('status', p_status, enum_range(NULL::booking.booking_status)::text[]);
    RETURN QUERY
    SELECT b.*
      FROM booking.bookings b
      JOIN booking.services s ON s.id = b.service_id
      JOIN booking.resources r ON r.id = b.resource_id
     WHERE (p_service IS NULL OR s.slug = p_service OR s.id::text = p_service)
       AND (p_resource IS NULL OR r.slug = p_resource OR r.id::text = p_resource)
       AND (p_status IS NULL OR b.status::text = p_status)
       AND (p_from IS NULL OR b.ends_at > p_from)
       AND (p_to IS NULL OR b.starts_at < p_to)
       AND (p_q IS NULL OR b.reference ILIKE internal.contains_pattern(p_q)
            OR b.attendee_name ILIKE internal.contains_pattern(p_q)
            OR b.attendee_email ILIKE internal.contains_pattern(p_q));
END
$$;
