-- The audit action for a change of a booking row (NULL: nothing worth recording).
-- plpgsql, not SQL: it runs twice per booking write and a SQL function taking rows is
-- planned anew on every call.
CREATE FUNCTION internal.booking_action(p_old booking.bookings, p_new booking.bookings) RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    AS $$
BEGIN
    IF p_old.id IS NULL THEN
        RETURN CASE p_new.status WHEN 'held' THEN 'held' ELSE 'created' END;
    END IF;
    IF p_old.status IS DISTINCT FROM p_new.status THEN
        RETURN CASE
            WHEN p_new.status = 'confirmed' AND p_old.status = 'pending' THEN 'approved'
            WHEN p_new.status IN ('confirmed', 'pending') AND p_old.status = 'held' THEN 'created'
            ELSE p_new.status::text
        END;
    END IF;
    IF (p_old.starts_at, p_old.ends_at, p_old.resource_id) IS DISTINCT FROM
       (p_new.starts_at, p_new.ends_at, p_new.resource_id) THEN
        RETURN 'rescheduled';
    END IF;
    IF (p_old.seats, p_old.attendee_name, p_old.attendee_email, p_old.attendee_phone, p_old.notes, p_old.metadata)
       IS DISTINCT FROM
       (p_new.seats, p_new.attendee_name, p_new.attendee_email, p_new.attendee_phone, p_new.notes, p_new.metadata) THEN
        RETURN 'updated';
    END IF;
    RETURN NULL;
END
$$;
