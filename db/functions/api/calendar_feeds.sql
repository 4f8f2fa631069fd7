-- The calendar feeds p_actor may subscribe to, each with its secret token, or a null
-- token until one is made (api.rotate_calendar_feed; reading never writes): "member" (the
-- bookings they made) for everyone, "provider" (the bookings of the resources they own)
-- for owners of a resource. {"data": [{kind, subject_id, name, token}]}.
CREATE FUNCTION api.calendar_feeds(p_actor uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v_user booking.users;
BEGIN
    SELECT * INTO v_user FROM booking.users WHERE id = p_actor AND disabled_at IS NULL;
    IF v_user.id IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'RB401', MESSAGE = 'sign in first';
    END IF;
    RETURN jsonb_build_object('data', jsonb_build_array(jsonb_build_object(
               'kind', 'member', 'subject_id', v_user.id, 'name', 'My bookings',
               'token', (SELECT token FROM booking.calendar_feeds WHERE subject_kind = 'member' AND subject_id = v_user.id)))
        || CASE WHEN EXISTS (SELECT 1 FROM booking.resources WHERE owner_id = v_user.id)
                THEN jsonb_build_array(jsonb_build_object(
                         'kind', 'provider', 'subject_id', v_user.id, 'name', 'Bookings of my resources',
                         'token', (SELECT token FROM booking.calendar_feeds WHERE subject_kind = 'provider' AND subject_id = v_user.id)))
                ELSE '[]' END);
END
$$;
