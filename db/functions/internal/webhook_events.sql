-- The event types a webhook endpoint may subscribe to, in the order the admin form shows
-- them (the CHECK webhook_endpoints_events_check holds the same list).
CREATE FUNCTION internal.webhook_events() RETURNS text[]
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT ARRAY['booking.created', 'booking.confirmed', 'booking.declined',
                 'booking.cancelled', 'booking.rescheduled', 'waitlist.offer']
$$;
