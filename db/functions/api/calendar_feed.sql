-- The events of the feed with token p_token, or NULL when no feed has it (a rotated
-- token, a guess): {name, kind, etag, events: [...]}. Events: the subject's pending and
-- confirmed bookings that end after now() - 90 days, and those cancelled or declined in
-- the last 30 days (STATUS:CANCELLED, so subscribed calendars remove them) — an
-- abandoned hold never appears. At most 5000 events, by start. Each event carries the
-- booking's id (UID <id>@booker, as in the emailed invitations) and version (SEQUENCE).
-- etag changes whenever any listed booking changes, appears or drops out.
CREATE FUNCTION api.calendar_feed(p_token text) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v_feed booking.calendar_feeds;
    v_name text;
    v_events jsonb;
BEGIN
    IF p_token IS NULL OR length(p_token) > 100 THEN
        RETURN NULL;
    END IF;
    SELECT * INTO v_feed FROM booking.calendar_feeds WHERE token = p_token;
    IF v_feed.token IS NULL THEN
        RETURN NULL;
    END IF;
    v_name := CASE v_feed.subject_kind
        WHEN 'resource' THEN (SELECT name FROM booking.resources WHERE id = v_feed.subject_id)
        WHEN 'provider' THEN (SELECT name || ' (provider)' FROM booking.users WHERE id = v_feed.subject_id)
        ELSE (SELECT name FROM booking.users WHERE id = v_feed.subject_id) END;
    SELECT jsonb_agg(jsonb_build_object(
               'id', b.id, 'reference', b.reference, 'status', b.status, 'sequence', b.version,
               'starts_at', b.starts_at, 'ends_at', b.ends_at, 'updated_at', b.updated_at,
               'service_name', s.name, 'resource_name', r.name,
               'location', coalesce(s.venue, r.location),
               'attendee_name', CASE WHEN v_feed.subject_kind <> 'member' THEN coalesce(b.attendee_name, u.name) END,
               'seats', b.seat_count) ORDER BY b.starts_at, b.id)
      INTO v_events
      FROM (SELECT b.* FROM booking.bookings b
             WHERE CASE v_feed.subject_kind
                       WHEN 'member' THEN b.user_id = v_feed.subject_id
                       WHEN 'resource' THEN b.resource_id = v_feed.subject_id
                       ELSE b.resource_id IN (SELECT id FROM booking.resources WHERE owner_id = v_feed.subject_id) END
               AND b.ends_at >= now() - interval '90 days'
               AND (b.status IN ('pending', 'confirmed')
                    OR (b.status IN ('cancelled', 'declined') AND b.updated_at >= now() - interval '30 days'
                        AND EXISTS (SELECT 1 FROM booking.booking_audit a
                                     WHERE a.booking_id = b.id AND a.action = 'created')))
             ORDER BY b.starts_at, b.id
             LIMIT 5000) b
      JOIN booking.services s ON s.id = b.service_id
      JOIN booking.resources r ON r.id = b.resource_id
      LEFT JOIN booking.users u ON u.id = b.user_id;
    RETURN jsonb_build_object(
        'kind', v_feed.subject_kind, 'name', coalesce(v_name, 'Booker'),
        'etag', md5(coalesce(v_name, '') || coalesce((SELECT string_agg(e ->> 'id' || ':' || (e ->> 'sequence') || ':' || (e ->> 'status'), ',')
                                   FROM jsonb_array_elements(v_events) e), '')),
        'events', coalesce(v_events, '[]'));
END
$$;
