-- The current role of an account that may act now ('admin', 'member', ...), or NULL when
-- it is disabled or gone, or when p_issued_at (an access token's iat) is before the
-- account's credentials were last revoked. The edge asks on every request with an access
-- token, so a demoted or disabled account loses its rights at once and a token's role
-- claim is never trusted. One primary-key lookup.
CREATE FUNCTION api.caller(p_user uuid, p_issued_at timestamptz DEFAULT NULL) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
    SELECT role::text FROM booking.users
     WHERE id = p_user AND disabled_at IS NULL
       AND (credentials_revoked_at IS NULL OR p_issued_at IS NULL
            OR p_issued_at > credentials_revoked_at)
$$;
