CREATE FUNCTION internal.is_admin(p_user uuid) RETURNS boolean
    LANGUAGE sql STABLE
    AS $$ SELECT EXISTS (SELECT 1 FROM booking.users WHERE id = p_user AND role = 'admin' AND disabled_at IS NULL) $$;
