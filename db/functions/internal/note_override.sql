-- Write p_note into the audit row of the change this transaction just made to booking
-- p_booking (its latest row, written by tg_bookings__record): the trail of an admin who
-- acted inside the cancellation cutoff says so (docs/decisions.md, "Admin overrides").
CREATE FUNCTION internal.note_override(p_booking uuid, p_note text) RETURNS void
    LANGUAGE plpgsql VOLATILE
    AS $$
BEGIN
    UPDATE booking.booking_audit
       SET override = p_note
     WHERE id = (SELECT max(id) FROM booking.booking_audit WHERE booking_id = p_booking)
       AND at = now();  -- written by this transaction, not an older change
END
$$;
