-- The bookable slots nearest to p_near (within a week either way) with room for p_seats.
--
-- Most conflicts have free slots close by, so the day either way is searched first and
-- the whole week only when that day yields fewer than p_limit slots (a RB409 then costs
-- a sixth of the work). The nearest p_limit slots within a day are the nearest within
-- the week, so the answer is the same as a week-wide search.
CREATE FUNCTION internal.alternatives(p_service booking.services, p_near timestamptz, p_seats integer, p_limit integer)
    RETURNS TABLE (starts_at timestamptz, ends_at timestamptz, seats_left integer)
    LANGUAGE sql STABLE
    AS $$
    WITH near AS (
        SELECT c.starts_at, c.ends_at, sum(c.seats_left)::integer AS seats_left
          FROM internal.slot_candidates(p_service, p_near - interval '1 day', p_near + interval '1 day') c
         WHERE c.state = 'available' AND c.seats_left >= p_seats AND c.starts_at <> p_near
         GROUP BY c.starts_at, c.ends_at
         ORDER BY abs(extract(epoch FROM c.starts_at - p_near)), c.starts_at
         LIMIT p_limit
    ),
    enough AS (
        SELECT count(*) >= p_limit AS yes FROM near
    )
    SELECT a.starts_at, a.ends_at, a.seats_left
      FROM (
        SELECT n.starts_at, n.ends_at, n.seats_left FROM near n WHERE (SELECT yes FROM enough)
        UNION ALL
        SELECT w.starts_at, w.ends_at, w.seats_left
          FROM (
            SELECT c.starts_at, c.ends_at, sum(c.seats_left)::integer AS seats_left
              FROM internal.slot_candidates(p_service, p_near - interval '7 days', p_near + interval '7 days') c
             WHERE c.state = 'available' AND c.seats_left >= p_seats AND c.starts_at <> p_near
             GROUP BY c.starts_at, c.ends_at
             ORDER BY abs(extract(epoch FROM c.starts_at - p_near)), c.starts_at
             LIMIT p_limit
          ) w
         WHERE NOT (SELECT yes FROM enough)
      ) a
     ORDER BY abs(extract(epoch FROM a.starts_at - p_near)), a.starts_at
     LIMIT p_limit
$$;
