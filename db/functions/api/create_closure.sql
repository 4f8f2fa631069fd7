-- Close a resource from p_starts_at to p_ends_at (no slots are offered inside). Returns it.
-- Its owner (the provider) or an admin may (internal.own_resource).
CREATE FUNCTION api.create_closure(
    p_actor uuid, p_resource uuid, p_starts_at timestamptz, p_ends_at timestamptz, p_reason text DEFAULT ''
) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v booking.closures;
BEGIN
    PERFORM internal.lock_own_resource(p_actor, p_resource);
    IF p_starts_at IS NULL THEN
        PERFORM internal.fail_invalid('starts_at', 'is required');
    END IF;
    IF p_ends_at IS NULL OR p_ends_at <= p_starts_at THEN
        PERFORM internal.fail_invalid('ends_at', 'must be after starts_at');
    END IF;
    INSERT INTO booking.closures (resource_id, during, reason)
    VALUES (p_resource, tstzrange(p_starts_at, p_ends_at), coalesce(p_reason, ''))
    RETURNING * INTO v;
    RETURN internal.closure_json(v);
END
$$;
