-- Raise RB403 unless p_actor is an active admin (the admin api.* functions start with it).
CREATE FUNCTION internal.require_admin(p_actor uuid) RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    IF NOT internal.is_admin(p_actor) THEN
        RAISE EXCEPTION USING ERRCODE = 'RB403', MESSAGE = 'admins only';
    END IF;
END
$$;
