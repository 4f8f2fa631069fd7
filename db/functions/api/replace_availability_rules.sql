-- Replace the weekly opening hours of a resource in one transaction. p_rules is a JSON
-- array of {weekday (1 = Monday … 7), start, end ("HH:MM", end may be "24:00"),
-- valid_from, valid_until (dates, optional)}; a rule overlapping another of the same
-- weekday (hours and validity) is RB422 naming it (rules[i]). Returns the new rules.
-- Its owner (the provider) or an admin may (internal.own_resource).
CREATE FUNCTION api.replace_availability_rules(p_actor uuid, p_resource uuid, p_rules jsonb) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v_rule jsonb;
    v_index bigint;
BEGIN
    PERFORM internal.lock_own_resource(p_actor, p_resource);
    IF jsonb_typeof(p_rules) IS DISTINCT FROM 'array' THEN
        PERFORM internal.fail_invalid('rules', 'must be a list of {weekday, start, end}');
    END IF;
    DELETE FROM booking.availability_rules WHERE resource_id = p_resource;
    FOR v_rule, v_index IN SELECT * FROM jsonb_array_elements(p_rules) WITH ORDINALITY LOOP
        PERFORM internal.add_rule(p_resource, v_rule, format('rules[%s]', v_index - 1));
    END LOOP;
    RETURN internal.rules_json(p_resource);
END
$$;
