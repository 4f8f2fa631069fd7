-- RB422 naming the field when a value of p_fields does not fit the type of the column of
-- p_row's table it is meant for (e.g. {"price": "abc"}, {"capacity": 1.5}): checked one key
-- at a time before jsonb_populate_record, whose own cast error names no field (issue 13).
CREATE FUNCTION internal.check_field_types(p_row anyelement, p_fields jsonb) RETURNS void
    LANGUAGE plpgsql VOLATILE  -- it raises
    AS $$
DECLARE
    v_key text;
    v_type text;
BEGIN
    FOR v_key IN SELECT jsonb_object_keys(p_fields) LOOP
        BEGIN
            PERFORM jsonb_populate_record(p_row, jsonb_build_object(v_key, p_fields -> v_key));
        EXCEPTION WHEN data_exception OR program_limit_exceeded THEN  -- e.g. [[[[[[[1]]]]]]] for an array column
            SELECT format_type(a.atttypid, a.atttypmod) INTO v_type
              FROM pg_attribute a JOIN pg_type t ON t.typrelid = a.attrelid
             WHERE t.oid = pg_typeof(p_row) AND a.attname = v_key;
            PERFORM internal.fail_invalid(v_key, CASE
                WHEN SQLSTATE = '22003' THEN 'is out of range'
                WHEN v_type IN ('integer', 'smallint', 'bigint') THEN 'must be a whole number'
                WHEN v_type LIKE 'numeric%' THEN 'must be a number, e.g. 49.00'
                WHEN v_type = 'boolean' THEN 'must be true or false'
                ELSE 'is not a valid ' || coalesce(v_type, 'value') END);
        END;
    END LOOP;
END
$$;
