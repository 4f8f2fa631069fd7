-- Add one weekly rule to a resource: p_rule is {weekday, start, end, valid_from, valid_until}
-- as api.replace_availability_rules takes them. Returns the resource's rules.
-- Its owner (the provider) or an admin may (internal.own_resource).
CREATE FUNCTION api.add_availability_rule(p_actor uuid, p_resource uuid, p_rule jsonb) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
BEGIN
    PERFORM internal.lock_own_resource(p_actor, p_resource);
    PERFORM internal.add_rule(p_resource, p_rule, 'rule');
    RETURN internal.rules_json(p_resource);
END
$$;
