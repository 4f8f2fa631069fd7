-- A booking as the HTTP API shows it. p_private adds the attendee, notes and
-- metadata, for those allowed to see the booking.
CREATE FUNCTION api.booking_json(p_booking booking.bookings, p_private boolean DEFAULT true) RETURNS jsonb
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
    SELECT jsonb_strip_nulls(jsonb_build_object(
               'id', p_booking.id,
               'reference', p_booking.reference,
               'service', s.slug,
               'service_name', s.name,
               'resource', r.slug,
               'resource_name', r.name,
               'timezone', r.timezone,
               'location', coalesce(s.venue, r.location),
               'starts_at', p_booking.starts_at,
               'ends_at', p_booking.ends_at,
               'seats', p_booking.seat_count,
               'status', p_booking.status,
               'price', p_booking.price::text,
               'currency', p_booking.currency,
               'hold_expires_at', p_booking.hold_expires_at,
               'cancellable_until', p_booking.starts_at - make_interval(mins => s.cancellation_cutoff_minutes),
               'created_at', p_booking.created_at,
               'updated_at', p_booking.updated_at))
        || CASE WHEN p_private THEN jsonb_build_object(
               'attendee', jsonb_build_object(
                   'name', p_booking.attendee_name,
                   'email', p_booking.attendee_email,
                   'phone', p_booking.attendee_phone),
               'attendee_timezone', coalesce(p_booking.attendee_timezone, r.timezone),
               'notes', p_booking.notes,
               'metadata', p_booking.metadata,
               'user_id', p_booking.user_id)
           ELSE '{}' END
      FROM booking.services s, booking.resources r
     WHERE s.id = p_booking.service_id AND r.id = p_booking.resource_id
$$;
