-- The event types a webhook endpoint may subscribe to.
CREATE FUNCTION api.webhook_event_types() RETURNS text[]
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$ SELECT internal.webhook_events() $$;
