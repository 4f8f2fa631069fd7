-- May p_actor see (and rotate) the feed p_kind of p_subject? Admins any; a user their own
-- member and provider feeds and the feeds of the resources they own.
CREATE FUNCTION internal.may_read_calendar_feed(p_actor uuid, p_kind text, p_subject uuid) RETURNS boolean
    LANGUAGE sql STABLE
    AS $$
    SELECT p_actor IS NOT NULL AND CASE
        WHEN internal.is_admin(p_actor) THEN
            CASE p_kind WHEN 'resource' THEN EXISTS (SELECT 1 FROM booking.resources WHERE id = p_subject)
                        ELSE EXISTS (SELECT 1 FROM booking.users WHERE id = p_subject) END
        WHEN p_kind IN ('member', 'provider') THEN p_subject = p_actor
             AND EXISTS (SELECT 1 FROM booking.users WHERE id = p_actor AND disabled_at IS NULL)
        WHEN p_kind = 'resource' THEN EXISTS (
             SELECT 1 FROM booking.resources r JOIN booking.users u ON u.id = r.owner_id
              WHERE r.id = p_subject AND u.id = p_actor AND u.disabled_at IS NULL)
        ELSE false END
$$;
