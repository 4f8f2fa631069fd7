-- What a reminder email shows: a snapshot of booking p_booking taken when the reminder is
-- scheduled (rescheduling a booking takes a new one). Self-contained: it does not share
-- the builder of the change emails (tg_bookings__record). PL/pgSQL, not SQL: a SQL function
-- that cannot be inlined (it has a FROM) is parsed and planned again on every call, which
-- cost every booking about 0.9 M instructions (a fifth of it); PL/pgSQL keeps the plan.
CREATE FUNCTION internal.reminder_payload(p_booking booking.bookings) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN (SELECT jsonb_build_object(
               'booking_id', p_booking.id, 'reference', p_booking.reference, 'status', p_booking.status,
               'action', 'reminder', 'sequence', p_booking.version,
               'starts_at', p_booking.starts_at, 'ends_at', p_booking.ends_at,
               'seats', p_booking.seat_count, 'price', p_booking.price, 'currency', p_booking.currency,
               'service_slug', s.slug, 'service_name', s.name,
               'resource_slug', r.slug, 'resource_name', r.name, 'timezone', r.timezone,
               'location', coalesce(s.venue, r.location),
               'attendee_name', coalesce(p_booking.attendee_name, u.name),
               'attendee_email', coalesce(p_booking.attendee_email, u.email),
               'provider_name', coalesce(o.name, r.name),
               'reminder_offsets', to_jsonb(s.reminder_offsets),
               'guest', p_booking.user_id IS NULL)
      FROM booking.services s
      JOIN booking.resources r ON r.id = p_booking.resource_id
      LEFT JOIN booking.users u ON u.id = p_booking.user_id
      LEFT JOIN booking.users o ON o.id = r.owner_id
     WHERE s.id = p_booking.service_id);
END
$$;
