-- May p_actor act on this booking? Admins, the booking's user and the resource's owner may.
-- A NULL actor is the trusted system or a guest whose manage token the edge verified.
-- Never NULL: a guest booking (user_id NULL) must answer false for a stranger, not NULL
-- (callers test NOT can_manage_booking(...), which NULL would silently let through).
CREATE FUNCTION internal.can_manage_booking(p_booking booking.bookings, p_actor uuid) RETURNS boolean
    LANGUAGE sql STABLE
    AS $$
    SELECT coalesce(
           p_actor IS NULL
        OR p_booking.user_id IS NOT DISTINCT FROM p_actor
        OR internal.is_admin(p_actor)
        OR EXISTS (SELECT 1 FROM booking.resources WHERE id = p_booking.resource_id AND owner_id = p_actor),
           false)
$$;
