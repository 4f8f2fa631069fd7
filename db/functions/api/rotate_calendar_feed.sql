-- Make the token of a feed, or replace it (the old URL stops working at once), and return
-- the new one. p_kind 'member' or 'provider' (p_subject: the actor, or any user for an admin) or
-- 'resource' (p_subject: a resource the actor owns, or any for an admin). RB404 otherwise.
CREATE FUNCTION api.rotate_calendar_feed(p_actor uuid, p_kind text, p_subject uuid) RETURNS text
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
BEGIN
    PERFORM internal.check_one_of('kind', p_kind, ARRAY['member', 'provider', 'resource']);
    IF NOT internal.may_read_calendar_feed(p_actor, p_kind, p_subject) THEN
        PERFORM internal.fail_not_found('calendar feed');
    END IF;
    RETURN internal.calendar_feed_token(p_kind, p_subject, true);
END
$$;
