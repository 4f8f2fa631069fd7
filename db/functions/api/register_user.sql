-- A new member account (POST /auth/register): the email is stored lower-cased; the edge
-- hashes the password (argon2) and checks its strength. 23505 when the email is taken.
CREATE FUNCTION api.register_user(p_email text, p_name text, p_password_hash text)
    RETURNS TABLE (id uuid, email text, name text, role text, created_at timestamptz)
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
    INSERT INTO booking.users (email, name, password_hash) VALUES (lower(p_email), p_name, p_password_hash)
    RETURNING id, email, name, role::text, created_at
$$;
