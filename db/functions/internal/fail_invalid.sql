-- Raise RB422 (invalid request) naming the offending field.
-- DETAIL is JSON: {"errors": {"<field>": "<message>"}} so the edge can echo it.
CREATE FUNCTION internal.fail_invalid(p_field text, p_message text) RETURNS void
    LANGUAGE plpgsql VOLATILE  -- it raises: never IMMUTABLE, which the planner may run ahead of time
    AS $$
BEGIN
    RAISE EXCEPTION USING
        ERRCODE = 'RB422',
        MESSAGE = p_field || ': ' || p_message,
        DETAIL = jsonb_build_object('errors', jsonb_build_object(p_field, p_message))::text;
END
$$;
