-- The id of the resource named by slug or id (active or not), or NULL when there is none:
-- how a request that names a resource (book, hold, reschedule) finds it.
CREATE FUNCTION api.resource_id(p_resource text) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$ SELECT id FROM booking.resources WHERE slug = p_resource OR id::text = p_resource $$;
