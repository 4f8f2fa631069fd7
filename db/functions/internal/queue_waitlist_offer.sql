-- Queue the offer email of a waitlist offer (the hold p_hold, made for entry p_entry): one
-- outbox row of kind 'waitlist_offer' to the waiting person, in the offer's transaction. The
-- payload is the snapshot the other emails carry (see tg_bookings__record) plus
-- offer_expires_at and waitlist_entry; it holds no secret: the worker derives the link's
-- token from BOOKER_SECRET. A webhook can subscribe to this row (event waitlist.offer).
CREATE FUNCTION internal.queue_waitlist_offer(p_hold booking.bookings, p_entry uuid) RETURNS void
    LANGUAGE plpgsql VOLATILE
    AS $$
BEGIN
    INSERT INTO booking.notification_log (booking_id, kind, recipient, payload, message_id)
    SELECT p_hold.id, 'waitlist_offer', p_hold.attendee_email,
           jsonb_build_object(
               'booking_id', p_hold.id,
               'reference', p_hold.reference,
               'status', p_hold.status,
               'action', 'waitlist_offer',
               'sequence', p_hold.version,
               'starts_at', p_hold.starts_at,
               'ends_at', p_hold.ends_at,
               'seats', p_hold.seat_count,
               'price', p_hold.price,
               'currency', p_hold.currency,
               'service_slug', s.slug,
               'service_name', s.name,
               'resource_slug', r.slug,
               'resource_name', r.name,
               'timezone', r.timezone,
               'location', coalesce(s.venue, r.location),
               'attendee_name', p_hold.attendee_name,
               'attendee_email', p_hold.attendee_email,
               'provider_name', coalesce(o.name, r.name),
               'guest', p_hold.user_id IS NULL,
               'offer_expires_at', p_hold.hold_expires_at,
               'waitlist_entry', p_entry),
           '<' || gen_random_uuid() || '@booker>'
      FROM booking.services s
      JOIN booking.resources r ON r.id = p_hold.resource_id
      LEFT JOIN booking.users o ON o.id = r.owner_id
     WHERE s.id = p_hold.service_id;
END
$$;
