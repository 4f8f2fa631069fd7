-- RB422 naming p_field unless p_value (when given) is one of p_allowed; callers pass an
-- enum's labels (enum_range) or a CHECK's list, so the message follows the database's rule.
CREATE FUNCTION internal.check_one_of(p_field text, p_value text, p_allowed text[]) RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    IF p_value IS NOT NULL AND NOT p_value = ANY (p_allowed) THEN
        PERFORM internal.fail_invalid(p_field, 'must be one of ' || array_to_string(p_allowed, ', '));
    END IF;
END
$$;
