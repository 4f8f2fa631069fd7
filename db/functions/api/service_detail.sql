-- One active service for the public (GET /services/{slug}): its JSON as everyone sees it
-- (internal.service_json) with the active resources that deliver it. RB410 for a service
-- an admin deactivated (its link says so), RB404 otherwise.
CREATE FUNCTION api.service_detail(p_service text) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v booking.services;
BEGIN
    IF EXISTS (SELECT 1 FROM booking.services s
                WHERE NOT s.active AND (s.slug = p_service OR s.id::text = p_service)) THEN
        RAISE EXCEPTION USING ERRCODE = 'RB410', MESSAGE = 'this service is no longer offered';
    END IF;
    v := internal.find_service(p_service);
    RETURN internal.service_json(v) || jsonb_build_object('resources', coalesce((
        SELECT jsonb_agg(jsonb_build_object(
                   'slug', r.slug, 'name', r.name, 'kind', r.kind, 'capacity', r.capacity,
                   'timezone', r.timezone, 'location', r.location, 'description', r.description)
               ORDER BY r.slug)
          FROM booking.service_resources sr JOIN booking.resources r ON r.id = sr.resource_id
         WHERE sr.service_id = v.id AND r.active), '[]'));
END
$$;
