-- The signed-in user's profile; RB401 when the account is gone or disabled.
CREATE FUNCTION api.me(p_actor uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v jsonb;
BEGIN
    SELECT jsonb_build_object('id', u.id, 'email', u.email, 'name', u.name, 'role', u.role,
                              'created_at', u.created_at,
                              'email_verified', u.email_verified_at IS NOT NULL, 'time_zone', u.time_zone)
      INTO v FROM booking.users u WHERE u.id = p_actor AND u.disabled_at IS NULL;
    IF v IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'RB401', MESSAGE = 'this account no longer exists';
    END IF;
    RETURN v;
END
$$;
