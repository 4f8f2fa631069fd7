-- The feed token of one resource, for its owner or an admin; NULL until one is made
-- (api.rotate_calendar_feed: reading never writes). RB404 for anyone else or an unknown resource.
CREATE FUNCTION api.resource_calendar_feed(p_actor uuid, p_resource uuid) RETURNS text
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
BEGIN
    IF NOT internal.may_read_calendar_feed(p_actor, 'resource', p_resource) THEN
        PERFORM internal.fail_not_found('resource');
    END IF;
    RETURN (SELECT token FROM booking.calendar_feeds WHERE subject_kind = 'resource' AND subject_id = p_resource);
END
$$;
