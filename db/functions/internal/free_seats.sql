-- The seats of a resource free for the whole of p_blocked: [1, capacity] minus the
-- union of seats held by overlapping blocking bookings (lapsed holds and p_ignore,
-- the booking being moved, do not count).
CREATE FUNCTION internal.free_seats(
    p_resource uuid, p_blocked tstzrange, p_capacity integer, p_ignore uuid DEFAULT NULL
) RETURNS int4multirange
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN (
        SELECT int4multirange(int4range(1, p_capacity + 1)) - coalesce(range_agg(b.seats), '{}')
          FROM booking.bookings b
         WHERE b.resource_id = p_resource
           AND b.status IN ('held', 'pending', 'confirmed')
           AND b.blocked && p_blocked
           AND NOT (b.status = 'held' AND b.hold_expires_at <= now())
           AND b.id IS DISTINCT FROM p_ignore);
END
$$;
