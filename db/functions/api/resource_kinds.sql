-- The kinds a resource may be (the list of the CHECK constraint resources_kind_check), for
-- the admin's form: the one home of the list is that constraint.
CREATE FUNCTION api.resource_kinds() RETURNS text[]
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$ SELECT internal.resource_kinds() $$;
