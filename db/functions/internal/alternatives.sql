-- The bookable slots nearest to p_near (within a week either way) with room for p_seats.
CREATE FUNCTION internal.alternatives(p_service booking.services, p_near timestamptz, p_seats integer, p_limit integer)
    RETURNS TABLE (starts_at timestamptz, ends_at timestamptz, seats_left integer)
    LANGUAGE sql STABLE
    AS $$
    SELECT c.starts_at, c.ends_at, sum(c.seats_left)::integer
      FROM internal.slot_candidates(p_service, p_near - interval '7 days', p_near + interval '7 days') c
     WHERE c.state = 'available' AND c.seats_left >= p_seats AND c.starts_at <> p_near
     GROUP BY c.starts_at, c.ends_at
     ORDER BY abs(extract(epoch FROM c.starts_at - p_near)), c.starts_at
     LIMIT p_limit
$$;
