-- Apply p_fields (slug, name, kind, capacity, timezone, owner (a user's email, or null),
-- email, location, description, active) to resource p_id, which the caller has locked.
-- Keys absent from p_fields keep their value. The table's constraints judge the values.
CREATE FUNCTION internal.write_resource(p_id uuid, p_fields jsonb) RETURNS booking.resources
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v booking.resources;
    v_fields jsonb := internal.picked(p_fields, ARRAY['slug', 'name', 'kind', 'capacity', 'timezone', 'email',
                                                      'location', 'description', 'active']);
BEGIN
    PERFORM internal.check_one_of('kind', v_fields ->> 'kind', internal.resource_kinds());
    SELECT * INTO v FROM booking.resources WHERE id = p_id;
    PERFORM internal.check_field_types(v, v_fields);  -- RB422 naming the field, not a bare cast error
    v := jsonb_populate_record(v, v_fields);
    IF p_fields ? 'owner' THEN
        v.owner_id := NULL;
        IF p_fields ->> 'owner' IS NOT NULL THEN
            SELECT id INTO v.owner_id FROM booking.users WHERE lower(email) = lower(p_fields ->> 'owner');
            IF v.owner_id IS NULL THEN
                PERFORM internal.fail_invalid('owner', 'no user with this email');
            END IF;
        END IF;
    END IF;
    UPDATE booking.resources
       SET slug = v.slug, name = v.name, kind = v.kind, capacity = v.capacity, timezone = v.timezone,
           owner_id = v.owner_id, email = v.email, location = v.location,
           description = v.description, active = v.active, updated_at = now()
     WHERE id = p_id
    RETURNING * INTO v;
    RETURN v;
END
$$;
