-- Create a resource from p_fields (slug, name and timezone required; kind, capacity,
-- owner (a user's email), email, location, description, active optional) and return it.
CREATE FUNCTION api.create_resource(p_actor uuid, p_fields jsonb) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v booking.resources;
    v_id uuid;
BEGIN
    PERFORM internal.require_admin(p_actor);
    PERFORM internal.require_fields(p_fields, ARRAY['slug', 'name', 'timezone']);
    INSERT INTO booking.resources (slug, name, timezone)
    VALUES (p_fields ->> 'slug', p_fields ->> 'name', p_fields ->> 'timezone')
    RETURNING id INTO v_id;
    v := internal.write_resource(v_id, p_fields);
    RETURN internal.resource_json(v);  -- a statement of its own: it sees the write
END
$$;
