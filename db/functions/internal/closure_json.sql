-- A closure as the admin API shows it.
CREATE FUNCTION internal.closure_json(p_closure booking.closures) RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT jsonb_build_object('id', p_closure.id, 'resource_id', p_closure.resource_id,
                              'starts_at', lower(p_closure.during), 'ends_at', upper(p_closure.during),
                              'reason', p_closure.reason, 'created_at', p_closure.created_at)
$$;
