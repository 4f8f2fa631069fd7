-- The seat counter of a multi-seat session (resource, blocked range): a sequence
-- booking.seat_counter_<id> registered in booking.seat_cursors, created by the session's
-- first buyer. A concurrent first buyer waits for that one's commit (the registry's
-- primary key) and then uses the same sequence; a buyer never waits for anything once
-- the counter exists. It starts above the highest seat already taken in the session. Returns NULL only if the registry row vanished meanwhile.
CREATE FUNCTION internal.seat_cursor(p_resource uuid, p_during tstzrange) RETURNS regclass
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_id bigint;
BEGIN
    SELECT id INTO v_id FROM booking.seat_cursors WHERE resource_id = p_resource AND during = p_during;
    IF v_id IS NULL THEN
        INSERT INTO booking.seat_cursors (resource_id, during) VALUES (p_resource, p_during)
        ON CONFLICT DO NOTHING
        RETURNING id INTO v_id;
        IF v_id IS NOT NULL THEN
            -- Seats already taken (bookings from before the counter) are not walked one by one.
            EXECUTE format('CREATE SEQUENCE booking.seat_counter_%s AS integer MINVALUE 1 START %s', v_id,
                (SELECT coalesce(max(upper(b.seats)), 1) FROM booking.bookings b
                  WHERE b.resource_id = p_resource AND b.status IN ('held', 'pending', 'confirmed')
                    AND b.blocked && p_during));
        ELSE
            SELECT id INTO v_id FROM booking.seat_cursors WHERE resource_id = p_resource AND during = p_during;
            IF v_id IS NULL THEN
                RETURN NULL;
            END IF;
        END IF;
    END IF;
    RETURN format('booking.seat_counter_%s', v_id)::regclass;
END
$$;
