-- Page numbers start at 1; a page holds 1 … p_max rows.
CREATE FUNCTION internal.check_page(p_page integer, p_limit integer, p_max integer) RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    IF p_page IS NULL OR p_page < 1 THEN
        PERFORM internal.fail_invalid('page', 'must be at least 1');
    END IF;
    IF p_limit IS NULL OR p_limit < 1 THEN
        PERFORM internal.fail_invalid('limit', 'must be at least 1');
    END IF;
    IF p_limit > p_max THEN
        PERFORM internal.fail_invalid('limit', format('must be at most %s', p_max));
    END IF;
END
$$;
