-- RB422 naming the first of p_names that p_fields lacks (or holds as null or blank).
CREATE FUNCTION internal.require_fields(p_fields jsonb, p_names text[]) RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v_name text;
BEGIN
    FOREACH v_name IN ARRAY p_names LOOP
        IF nullif(trim(p_fields ->> v_name), '') IS NULL THEN
            PERFORM internal.fail_invalid(v_name, 'is required');
        END IF;
    END LOOP;
END
$$;
