-- Insert one weekly rule ({weekday, start, end, valid_from, valid_until}) of a resource.
-- An overlap with another rule (availability_rules_no_overlap_excl), or a value that is not
-- a weekday number, a time or a date, is RB422 naming p_field.
CREATE FUNCTION internal.add_rule(p_resource uuid, p_rule jsonb, p_field text) RETURNS void
    LANGUAGE plpgsql VOLATILE
    AS $$
BEGIN
    IF jsonb_typeof(p_rule) IS DISTINCT FROM 'object' THEN
        PERFORM internal.fail_invalid(p_field, 'must be an object');
    END IF;
    INSERT INTO booking.availability_rules (resource_id, weekday, start_time, end_time, valid_from, valid_until)
    VALUES (p_resource, (p_rule ->> 'weekday')::smallint, (p_rule ->> 'start')::time, (p_rule ->> 'end')::time,
            (p_rule ->> 'valid_from')::date, (p_rule ->> 'valid_until')::date);
EXCEPTION
    WHEN exclusion_violation THEN
        PERFORM internal.fail_invalid(p_field, 'overlaps another rule of the same weekday');
    WHEN data_exception THEN  -- a cast above: 22P02, 22007, 22008, 22003
        PERFORM internal.fail_invalid(p_field,
            'weekday must be 1-7, start and end times (HH:MM), valid_from and valid_until dates');
END
$$;
