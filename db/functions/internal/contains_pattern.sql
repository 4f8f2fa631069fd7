-- An ILIKE pattern matching p_text anywhere, with its wildcards (% _ and the escape \)
-- taken literally: a search for "100%" finds "100%", not everything starting with 100.
CREATE FUNCTION internal.contains_pattern(p_text text) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT '%' || replace(replace(replace(p_text, '\', '\\'), '%', '\%'), '_', '\_') || '%' $$;
