-- Apply the fields present in p_fields to endpoint p_id, with RB422 naming the field for
-- any bad value: url (http or https, a host, no user:password@, ≤ 2000 characters),
-- events (a non-empty list of internal.webhook_events()), secret (16–200 characters),
-- description (≤ 500), max_attempts (1–20), active. Re-activating clears the disabling.
CREATE FUNCTION internal.write_webhook_endpoint(p_id uuid, p_fields jsonb) RETURNS booking.webhook_endpoints
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v booking.webhook_endpoints;
    v_events text[];
    v_bad text;
BEGIN
    IF jsonb_typeof(p_fields) IS DISTINCT FROM 'object' THEN
        PERFORM internal.fail_invalid('body', 'must be an object');
    END IF;
    IF p_fields ? 'url' AND (jsonb_typeof(p_fields -> 'url') <> 'string'
            OR length(p_fields ->> 'url') > 2000
            OR p_fields ->> 'url' !~ '^https?://[^/?#@\s]+(/[^\s]*)?$') THEN
        PERFORM internal.fail_invalid('url', 'must be an http:// or https:// URL with a host (no user:password@), at most 2000 characters');
    END IF;
    IF p_fields ? 'events' THEN
        IF jsonb_typeof(p_fields -> 'events') <> 'array' OR jsonb_array_length(p_fields -> 'events') = 0
           OR EXISTS (SELECT 1 FROM jsonb_array_elements(p_fields -> 'events') e WHERE jsonb_typeof(e) <> 'string') THEN
            PERFORM internal.fail_invalid('events', 'must be a non-empty list of: ' || array_to_string(internal.webhook_events(), ', '));
        END IF;
        SELECT array_agg(DISTINCT e ORDER BY e) INTO v_events FROM jsonb_array_elements_text(p_fields -> 'events') e;
        SELECT e INTO v_bad FROM unnest(v_events) e WHERE NOT e = ANY (internal.webhook_events()) LIMIT 1;
        IF v_bad IS NOT NULL THEN
            PERFORM internal.fail_invalid('events', format('unknown event %s; one of: %s', left(v_bad, 50),
                                                           array_to_string(internal.webhook_events(), ', ')));
        END IF;
    END IF;
    IF p_fields ? 'secret' AND (jsonb_typeof(p_fields -> 'secret') <> 'string'
            OR length(p_fields ->> 'secret') NOT BETWEEN 16 AND 200) THEN
        PERFORM internal.fail_invalid('secret', 'must be 16 to 200 characters');
    END IF;
    IF p_fields ? 'description' AND (jsonb_typeof(p_fields -> 'description') NOT IN ('string', 'null')
            OR length(p_fields ->> 'description') > 500) THEN
        PERFORM internal.fail_invalid('description', 'must be at most 500 characters');
    END IF;
    IF p_fields ? 'max_attempts' AND (jsonb_typeof(p_fields -> 'max_attempts') <> 'number'
            OR (p_fields ->> 'max_attempts')::numeric NOT BETWEEN 1 AND 20
            OR (p_fields ->> 'max_attempts')::numeric % 1 <> 0) THEN
        PERFORM internal.fail_invalid('max_attempts', 'must be a whole number from 1 to 20');
    END IF;
    IF p_fields ? 'active' AND jsonb_typeof(p_fields -> 'active') <> 'boolean' THEN
        PERFORM internal.fail_invalid('active', 'must be true or false');
    END IF;
    UPDATE booking.webhook_endpoints e SET
        url = coalesce(p_fields ->> 'url', e.url),
        events = coalesce(v_events, e.events),
        secret = coalesce(p_fields ->> 'secret', e.secret),
        description = CASE WHEN p_fields ? 'description' THEN coalesce(p_fields ->> 'description', '') ELSE e.description END,
        max_attempts = coalesce((p_fields ->> 'max_attempts')::numeric::integer, e.max_attempts),
        active = coalesce((p_fields ->> 'active')::boolean, e.active),
        disabled_at = CASE WHEN (p_fields ->> 'active')::boolean THEN NULL ELSE e.disabled_at END,
        disabled_reason = CASE WHEN (p_fields ->> 'active')::boolean THEN NULL ELSE e.disabled_reason END,
        admins_notified_at = CASE WHEN (p_fields ->> 'active')::boolean THEN NULL ELSE e.admins_notified_at END,
        updated_at = now()
     WHERE e.id = p_id
    RETURNING * INTO v;
    RETURN v;
END
$$;
