-- Insert one weekly rule ({weekday, start, end, valid_from, valid_until}) of a resource.
-- An overlap with another rule (availability_rules_no_overlap_excl) is RB422 naming p_field.
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
EXCEPTION WHEN exclusion_violation THEN
    PERFORM internal.fail_invalid(p_field, 'overlaps another rule of the same weekday');
END
$$;
