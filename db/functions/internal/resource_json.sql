-- A resource as the admin API shows it, with its owner's email and its weekly rules.
CREATE FUNCTION internal.resource_json(p_resource booking.resources) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT jsonb_build_object(
        'id', p_resource.id, 'slug', p_resource.slug, 'name', p_resource.name, 'kind', p_resource.kind,
        'capacity', p_resource.capacity, 'timezone', p_resource.timezone,
        'owner', (SELECT u.email FROM booking.users u WHERE u.id = p_resource.owner_id),
        'email', p_resource.email, 'location', p_resource.location, 'description', p_resource.description,
        'active', p_resource.active, 'created_at', p_resource.created_at, 'updated_at', p_resource.updated_at,
        'rules', internal.rules_json(p_resource.id))
$$;
