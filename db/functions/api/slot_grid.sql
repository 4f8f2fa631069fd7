-- Every slot start within the resources' opening hours in [p_from, p_to), with what a
-- calendar shows: 'available' (some resource free), 'booked' (all taken) or
-- 'unavailable' (past, too soon, too far ahead, or closed).
-- p_resource (a slug or id of one of the service's resources) shows that resource's slots
-- only: the booker's choice of "Ana" or "Berlin room"; NULL for "any available".
CREATE FUNCTION api.slot_grid(p_service text, p_from timestamptz, p_to timestamptz, p_resource text DEFAULT NULL)
    RETURNS TABLE (starts_at timestamptz, ends_at timestamptz, status text, seats_left integer)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v_service booking.services := internal.find_service(p_service);
    v_resource uuid := internal.service_resource(v_service, p_resource);
BEGIN
    PERFORM internal.check_range(p_from, p_to);
    RETURN QUERY
    SELECT c.starts_at, c.ends_at,
           CASE
               WHEN bool_or(c.state = 'available') THEN 'available'
               WHEN bool_or(c.state = 'booked') THEN 'booked'
               ELSE 'unavailable'
           END,
           (sum(c.seats_left) FILTER (WHERE c.state = 'available'))::integer
      FROM internal.slot_candidates(v_service, p_from, p_to) c
     WHERE v_resource IS NULL OR c.resource_id = v_resource
     GROUP BY c.starts_at, c.ends_at
     ORDER BY c.starts_at;
END
$$;
