-- The signed-in member's password hash, for the edge to check the current password
-- before a change (POST /me/password); NULL for a disabled or unknown account.
CREATE FUNCTION api.account_password_hash(p_actor uuid) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
    SELECT password_hash FROM booking.users WHERE id = p_actor AND disabled_at IS NULL
$$;
