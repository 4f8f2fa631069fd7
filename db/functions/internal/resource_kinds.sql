-- The kinds a resource may be, read from the CHECK constraint resources_kind_check
-- (the one home of the list): for messages and for the admin's form.
CREATE FUNCTION internal.resource_kinds() RETURNS text[]
    LANGUAGE sql STABLE
    AS $$
    SELECT array_agg(m[1] ORDER BY ord)
      FROM pg_constraint c,
           regexp_matches(pg_get_constraintdef(c.oid), '''([^'']+)''', 'g') WITH ORDINALITY AS x(m, ord)
     WHERE c.conname = 'resources_kind_check' AND c.conrelid = 'booking.resources'::regclass
$$;
