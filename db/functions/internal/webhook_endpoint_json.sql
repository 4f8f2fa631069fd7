-- An endpoint as admins see it: the secret only as its first characters (it is shown
-- whole once, when created or replaced), with its delivery counts.
CREATE FUNCTION internal.webhook_endpoint_json(p_endpoint booking.webhook_endpoints) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT jsonb_build_object(
        'id', p_endpoint.id,
        'url', p_endpoint.url,
        'events', to_jsonb(p_endpoint.events),
        'description', p_endpoint.description,
        'active', p_endpoint.active,
        'max_attempts', p_endpoint.max_attempts,
        'secret_hint', left(p_endpoint.secret, 10) || '…',
        'disabled_at', p_endpoint.disabled_at,
        'disabled_reason', p_endpoint.disabled_reason,
        'created_at', p_endpoint.created_at,
        'updated_at', p_endpoint.updated_at,
        'deliveries', (SELECT jsonb_build_object(
                           'pending', count(*) FILTER (WHERE status IN ('pending', 'sending')),
                           'delivered', count(*) FILTER (WHERE status = 'delivered'),
                           'failed', count(*) FILTER (WHERE status = 'failed'))
                         FROM booking.webhook_deliveries d WHERE d.endpoint_id = p_endpoint.id))
$$;
