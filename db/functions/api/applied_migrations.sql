-- The ids of the applied schema migrations (yoyo's bookkeeping table), so the edge's
-- /ready can compare them with db/migrations without reading yoyo's table itself.
CREATE FUNCTION api.applied_migrations() RETURNS TABLE (migration_id text, applied_at timestamp)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, public
    AS $$ SELECT m.migration_id, m.applied_at_utc FROM public._yoyo_migration m ORDER BY m.applied_at_utc $$;
