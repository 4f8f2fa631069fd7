-- The next p_count seat numbers of a session's counter (internal.seat_cursor), or NULL
-- when the counter has passed the capacity (numbers it handed out but that were never
-- booked, or were freed since, are found by internal.allocate_seats). nextval is not
-- transactional: no lock is held after the call, and no number is handed out twice.
CREATE FUNCTION internal.advance_seat_cursor(p_counter regclass, p_count integer, p_capacity integer)
    RETURNS int4multirange
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_seat integer;
    v_seats int4multirange := '{}';
BEGIN
    FOR i IN 1 .. p_count LOOP
        v_seat := nextval(p_counter);
        IF v_seat > p_capacity THEN
            RETURN NULL;
        END IF;
        v_seats := v_seats + int4multirange(int4range(v_seat, v_seat + 1));
    END LOOP;
    RETURN v_seats;
END
$$;
