-- The account an email signs in to, with its password hash for the edge to verify; no row
-- for an unknown or disabled account (the edge answers both like a wrong password).
CREATE FUNCTION api.login_user(p_email text)
    RETURNS TABLE (id uuid, email text, name text, role text, created_at timestamptz, password_hash text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
    SELECT u.id, u.email, u.name, u.role::text, u.created_at, u.password_hash
      FROM booking.users u
     WHERE lower(u.email) = lower(p_email) AND u.disabled_at IS NULL
$$;
