-- Register a webhook endpoint (admins): p_fields holds url and events (required),
-- secret (generated when absent: "whsec_" and 64 hex digits from gen_random_uuid, a
-- strong random source), description, max_attempts (attempts per delivery before the
-- endpoint is disabled, default 8). Returns the endpoint with its whole secret, the only
-- time it is shown.
CREATE FUNCTION api.create_webhook_endpoint(p_actor uuid, p_fields jsonb) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v booking.webhook_endpoints;
    v_id uuid;
BEGIN
    PERFORM internal.require_admin(p_actor);
    IF jsonb_typeof(p_fields) IS DISTINCT FROM 'object' THEN
        PERFORM internal.fail_invalid('body', 'must be an object');
    END IF;
    PERFORM internal.require_fields(p_fields, ARRAY['url']);
    IF NOT p_fields ? 'events' THEN
        PERFORM internal.fail_invalid('events', 'is required');
    END IF;
    INSERT INTO booking.webhook_endpoints (url, secret, events, created_by)
    VALUES ('http://placeholder', 'whsec_' || replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''),
            ARRAY['booking.created'], p_actor)
    RETURNING id INTO v_id;
    v := internal.write_webhook_endpoint(v_id, p_fields);
    RETURN internal.webhook_endpoint_json(v) || jsonb_build_object('secret', v.secret);
END
$$;
