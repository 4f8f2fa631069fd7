-- The bookable slots nearest to p_near, before and after (within a week), nearest first.
CREATE FUNCTION api.suggest_alternatives(
    p_service text, p_near timestamptz, p_limit integer DEFAULT 5, p_seats integer DEFAULT 1
) RETURNS TABLE (starts_at timestamptz, ends_at timestamptz, seats_left integer)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
    SELECT * FROM internal.alternatives(internal.find_service(p_service), p_near, p_seats, least(p_limit, 50))
$$;
