-- Take the next p_count seats of a locked stripe cursor and advance it.
CREATE FUNCTION internal.advance_seat_cursor(p_cursor booking.seat_cursors, p_count integer)
    RETURNS int4multirange
    LANGUAGE plpgsql VOLATILE
    AS $$
BEGIN
    UPDATE booking.seat_cursors SET next_seat = next_seat + p_count
     WHERE resource_id = p_cursor.resource_id AND during = p_cursor.during AND stripe = p_cursor.stripe;
    RETURN int4multirange(int4range(p_cursor.next_seat, p_cursor.next_seat + p_count));
END
$$;
