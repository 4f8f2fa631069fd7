-- Choose p_count seats of a resource that are free for the whole of p_blocked (committed
-- bookings, lapsed holds and p_ignore not counting), or NULL when fewer are free: the
-- scan behind a refusal, holes left by cancellations, expired holds and unused counter
-- numbers, small resources without a counter, and moves. The lowest free seats, or with
-- p_spread (a session with a counter, where many buyers may scan at once near its end)
-- from a random seat on, wrapping round, so concurrent scanners rarely pick the same hole.
-- Takes no lock; the insert under the exclusion constraint decides.
CREATE FUNCTION internal.allocate_seats(
    p_resource uuid, p_blocked tstzrange, p_count integer, p_capacity integer, p_ignore uuid DEFAULT NULL,
    p_spread boolean DEFAULT false
) RETURNS int4multirange
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_free int4multirange;
    v_start integer := CASE WHEN p_spread THEN 1 + floor(random() * p_capacity)::integer ELSE 1 END;
BEGIN
    -- The cheap proof first (a sold-out session answers each refusal with it): bookings of
    -- exactly this blocked range overlap each other, so the exclusion constraint keeps their
    -- seats apart and they hold the sum of their seat counts for the whole range. When that
    -- leaves fewer than p_count, so does the union below; it is only a lower bound of what
    -- is taken (bookings of other ranges are not counted), so it never refuses wrongly.
    IF p_capacity - (SELECT coalesce(sum(b.seat_count), 0)
                       FROM booking.bookings b
                      WHERE b.resource_id = p_resource
                        AND b.status IN ('held', 'pending', 'confirmed')
                        AND b.blocked = p_blocked
                        AND NOT (b.status = 'held' AND b.hold_expires_at <= now())
                        AND b.id IS DISTINCT FROM p_ignore) < p_count THEN
        RETURN NULL;
    END IF;
    v_free := internal.free_seats(p_resource, p_blocked, p_capacity, p_ignore);
    IF booking.multirange_size(v_free) < p_count THEN
        RETURN NULL;
    END IF;
    IF p_capacity = 1 THEN
        RETURN v_free;
    END IF;
    RETURN (SELECT range_agg(int4range(s, s + 1))
              FROM (SELECT s FROM unnest(v_free) AS r, generate_series(lower(r), upper(r) - 1) AS s
                     ORDER BY s < v_start, s
                     LIMIT p_count) AS picked);
END
$$;
