-- Insert a blocking booking unless it conflicts: INSERT … ON CONFLICT DO NOTHING, so a
-- taken seat costs no subtransaction and leaves nothing behind. A conflicting booking of
-- a transaction still in progress is waited for (it may roll back). Returns the new row,
-- or a row of NULLs when the seats (or the idempotency key) were taken.
CREATE FUNCTION internal.insert_booking(p_row booking.bookings) RETURNS booking.bookings
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_row booking.bookings;
BEGIN
    INSERT INTO booking.bookings
        (id, service_id, resource_id, user_id, status, starts_at, ends_at,
         buffer_before_minutes, buffer_after_minutes, blocked, seats, hold_expires_at,
         attendee_name, attendee_email, attendee_phone, notes, metadata, price, currency,
         idempotency_owner, idempotency_key, request_hash, manage_token_hash, created_by,
         attendee_timezone)
    VALUES
        (p_row.id, p_row.service_id, p_row.resource_id, p_row.user_id, p_row.status,
         p_row.starts_at, p_row.ends_at, p_row.buffer_before_minutes, p_row.buffer_after_minutes,
         p_row.blocked, p_row.seats, p_row.hold_expires_at, p_row.attendee_name,
         p_row.attendee_email, p_row.attendee_phone, p_row.notes, p_row.metadata, p_row.price,
         p_row.currency, p_row.idempotency_owner, p_row.idempotency_key, p_row.request_hash,
         p_row.manage_token_hash, p_row.created_by, p_row.attendee_timezone)
    ON CONFLICT DO NOTHING
    RETURNING * INTO v_row;
    RETURN v_row;
END
$$;
