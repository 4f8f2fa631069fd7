-- Cancel a booking (or release a hold). Idempotent: cancelling a cancelled, expired or
-- declined booking returns it unchanged. Inside the service's cancellation cutoff it
-- raises RB422 unless p_force, which only admins may use (the audit row then notes the override).
CREATE FUNCTION api.cancel_booking(
    p_booking uuid,
    p_actor uuid,
    p_reason text DEFAULT NULL,
    p_force boolean DEFAULT false
) RETURNS booking.bookings
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v_booking booking.bookings;
    v_cutoff integer;
BEGIN
    PERFORM internal.waitlist_prelock(p_booking);  -- the resource's lock before the row's, when people wait
    v_booking := internal.lock_booking(p_booking, p_actor);
    IF v_booking.status NOT IN ('held', 'pending', 'confirmed') THEN
        RETURN v_booking;
    END IF;
    IF p_force AND NOT internal.is_admin(p_actor) THEN
        RAISE EXCEPTION USING ERRCODE = 'RB403', MESSAGE = 'only admins may cancel inside the cutoff';
    END IF;
    SELECT cancellation_cutoff_minutes INTO v_cutoff FROM booking.services WHERE id = v_booking.service_id;
    IF NOT p_force AND v_booking.status <> 'held'
       AND now() > v_booking.starts_at - make_interval(mins => v_cutoff) THEN
        PERFORM internal.fail_invalid('starts_at', format(
            'cancellation closed: bookings can be cancelled until %s minutes before the start', v_cutoff));
    END IF;
    UPDATE booking.bookings
       SET status = 'cancelled', status_reason = nullif(trim(p_reason), '')
     WHERE id = p_booking
    RETURNING * INTO v_booking;
    IF p_force AND now() > v_booking.starts_at - make_interval(mins => v_cutoff) THEN  -- issue 13
        PERFORM internal.note_override(p_booking, format('cancelled inside the %s-minute cutoff', v_cutoff));
    END IF;
    RETURN v_booking;
END
$$;
