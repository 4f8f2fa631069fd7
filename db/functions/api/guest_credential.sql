-- What the edge needs to check a guest's manage token for booking p_booking (the token is
-- an HMAC of the id under the edge's secret, which the database never sees): whether it is
-- a guest's booking, and the SHA-256 of a token stored by older versions. No row when the
-- booking does not exist.
CREATE FUNCTION api.guest_credential(p_booking uuid)
    RETURNS TABLE (guest boolean, manage_token_hash text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
    SELECT b.user_id IS NULL, b.manage_token_hash FROM booking.bookings b WHERE b.id = p_booking
$$;
