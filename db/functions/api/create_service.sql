-- Create a service from p_fields (slug, name and duration_minutes required; the other
-- columns, starts_at and resources as internal.write_service takes them; the slot step
-- defaults to the duration) and return it as the admin API shows it.
CREATE FUNCTION api.create_service(p_actor uuid, p_fields jsonb) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v booking.services;
    v_id uuid;
BEGIN
    PERFORM internal.require_admin(p_actor);
    PERFORM internal.require_fields(p_fields, ARRAY['slug', 'name', 'duration_minutes']);
    PERFORM internal.check_field_types(NULL::booking.services, p_fields - 'visibility');  -- before the casts below (visibility: write_service names its values)
    INSERT INTO booking.services (slug, name, duration_minutes, slot_step_minutes)
    VALUES (p_fields ->> 'slug', p_fields ->> 'name', (p_fields ->> 'duration_minutes')::integer,
            coalesce(p_fields ->> 'slot_step_minutes', p_fields ->> 'duration_minutes')::integer)
    RETURNING id INTO v_id;
    v := internal.write_service(v_id, p_fields || jsonb_build_object(
        'resources', coalesce(p_fields -> 'resources', '[]')));
    RETURN internal.service_json(v, p_admin => true);  -- a statement of its own: it sees the write
END
$$;
