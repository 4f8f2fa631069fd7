-- Raise RB404 for an object that does not exist or that the actor may not see.
CREATE FUNCTION internal.fail_not_found(p_what text) RETURNS void
    LANGUAGE plpgsql VOLATILE  -- it raises: never IMMUTABLE, which the planner may run ahead of time
    AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'RB404', MESSAGE = p_what || ' not found';
END
$$;
