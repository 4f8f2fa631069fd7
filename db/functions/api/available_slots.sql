-- Bookable slots of a service in [p_from, p_to): opening hours minus closures, minus
-- blocking bookings (with buffers), minus past / too soon / too far, within the
-- service's fixed window if it has one. resource_ids lists the resources free then.
CREATE FUNCTION api.available_slots(p_service text, p_from timestamptz, p_to timestamptz)
    RETURNS TABLE (starts_at timestamptz, ends_at timestamptz, seats_left integer, resource_ids uuid[])
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v_service booking.services := internal.find_service(p_service);
BEGIN
    PERFORM internal.check_range(p_from, p_to);
    RETURN QUERY
    SELECT c.starts_at, c.ends_at, sum(c.seats_left)::integer, array_agg(c.resource_id ORDER BY c.resource_id)
      FROM internal.slot_candidates(v_service, p_from, p_to) c
     WHERE c.state = 'available'
     GROUP BY c.starts_at, c.ends_at
     ORDER BY c.starts_at;
END
$$;
