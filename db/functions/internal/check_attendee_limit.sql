-- The service's "at most N active bookings per attendee" (services.max_active_per_attendee),
-- checked by api.book_slot before it places a booking: RB409 naming the rule when the
-- attendee (the user, or for a guest the email address) already has N bookings of this
-- service that are held (unexpired), pending or confirmed and not yet over. p_hold, the
-- hold being converted, is not counted twice.
-- Race-safe: a transaction-scoped advisory lock per (service, attendee) serialises two
-- bookings of one attendee, so the second counts after the first has committed (each
-- statement of a READ COMMITTED transaction sees what committed before it began).
CREATE FUNCTION internal.check_attendee_limit(p_service booking.services, p_fields booking.bookings, p_hold uuid)
    RETURNS void
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_owner text := coalesce(p_fields.user_id::text, p_fields.attendee_email);
    v_active integer;
BEGIN
    IF p_service.max_active_per_attendee IS NULL THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended('attendee-limit/' || p_service.id || '/' || v_owner, 0));
    SELECT count(*) INTO v_active
      FROM booking.bookings b
     WHERE b.service_id = p_service.id
       AND b.status IN ('held', 'pending', 'confirmed')
       AND NOT (b.status = 'held' AND b.hold_expires_at <= now())
       AND b.ends_at > now()
       AND b.id IS DISTINCT FROM p_hold
       AND CASE WHEN p_fields.user_id IS NOT NULL THEN b.user_id = p_fields.user_id
                ELSE b.user_id IS NULL AND b.attendee_email = p_fields.attendee_email END;
    IF v_active >= p_service.max_active_per_attendee THEN
        RAISE EXCEPTION USING
            ERRCODE = 'RB409',
            MESSAGE = format('max_active_per_attendee: you already have %s active %s of this service (at most %s per attendee)',
                             v_active, CASE WHEN v_active = 1 THEN 'booking' ELSE 'bookings' END,
                             p_service.max_active_per_attendee),
            DETAIL = jsonb_build_object(
                'errors', jsonb_build_object('max_active_per_attendee', format(
                    'at most %s active %s per attendee', p_service.max_active_per_attendee,
                    CASE WHEN p_service.max_active_per_attendee = 1 THEN 'booking' ELSE 'bookings' END)),
                'alternatives', '[]'::jsonb)::text;
    END IF;
END
$$;
