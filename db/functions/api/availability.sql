-- Bookable slots of a service in [p_from, p_to) per resource (GET /availability):
-- one row per resource and free slot, with the seats left on that resource.
-- p_resource (slug or id) narrows it to one resource.
CREATE FUNCTION api.availability(p_service text, p_from timestamptz, p_to timestamptz, p_resource text DEFAULT NULL)
    RETURNS TABLE (resource text, resource_name text, timezone text,
                   starts_at timestamptz, ends_at timestamptz, seats_left integer)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v_service booking.services := internal.find_service(p_service);
BEGIN
    PERFORM internal.check_range(p_from, p_to);
    IF p_resource IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM booking.service_resources sr JOIN booking.resources r ON r.id = sr.resource_id
         WHERE sr.service_id = v_service.id AND (r.slug = p_resource OR r.id::text = p_resource)
    ) THEN
        PERFORM internal.fail_not_found('resource');
    END IF;
    RETURN QUERY
    SELECT r.slug, r.name, r.timezone, c.starts_at, c.ends_at, c.seats_left
      FROM internal.slot_candidates(v_service, p_from, p_to) c
      JOIN booking.resources r ON r.id = c.resource_id
     WHERE c.state = 'available'
       AND (p_resource IS NULL OR r.slug = p_resource OR r.id::text = p_resource)
     ORDER BY r.slug, c.starts_at;
END
$$;
