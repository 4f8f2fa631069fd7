-- Change an endpoint (admins): any of url, events, secret, description, max_attempts,
-- active. `"active": true` re-enables an endpoint that was disabled after failing (its
-- failed deliveries stay failed; redeliver them). A new secret is returned whole once.
CREATE FUNCTION api.update_webhook_endpoint(p_actor uuid, p_id uuid, p_fields jsonb) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v booking.webhook_endpoints;
BEGIN
    PERFORM internal.require_admin(p_actor);
    PERFORM 1 FROM booking.webhook_endpoints WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM internal.fail_not_found('webhook endpoint');
    END IF;
    v := internal.write_webhook_endpoint(p_id, p_fields);
    RETURN internal.webhook_endpoint_json(v)
        || CASE WHEN p_fields ? 'secret' THEN jsonb_build_object('secret', v.secret) ELSE '{}' END;
END
$$;
