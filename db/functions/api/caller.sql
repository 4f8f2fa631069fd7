-- The current role of an account that may act now ('admin', 'member', ...), or NULL when
-- it is disabled or gone. The edge asks on every request with an access token, so a
-- demoted or disabled account loses its rights at once and a token's role claim is never
-- trusted. One primary-key lookup.
CREATE FUNCTION api.caller(p_user uuid) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$ SELECT role::text FROM booking.users WHERE id = p_user AND disabled_at IS NULL $$;
