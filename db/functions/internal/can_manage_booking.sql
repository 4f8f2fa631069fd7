-- May p_actor act on this booking? Admins, the booking's user and the resource's owner may.
-- A NULL actor is the trusted system or a guest whose manage token the edge verified.
CREATE FUNCTION internal.can_manage_booking(p_booking booking.bookings, p_actor uuid) RETURNS boolean
    LANGUAGE sql STABLE
    AS $$
    SELECT p_actor IS NULL
        OR p_booking.user_id = p_actor
        OR internal.is_admin(p_actor)
        OR EXISTS (SELECT 1 FROM booking.resources WHERE id = p_booking.resource_id AND owner_id = p_actor)
$$;
