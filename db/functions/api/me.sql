-- The signed-in user's profile (with provider: whether they own resources); RB401 when the account is gone or disabled.
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
           -- provider: the user owns resources (the web client shows the provider workspace)
           || jsonb_build_object('provider', EXISTS (SELECT 1 FROM booking.resources r WHERE r.owner_id = u.id))
      INTO v FROM booking.users u WHERE u.id = p_actor AND u.disabled_at IS NULL;
    IF v IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'RB401', MESSAGE = 'this account no longer exists';
    END IF;
    RETURN v;
END
$$;
