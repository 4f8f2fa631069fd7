-- The id of the active resource, named by slug or id, that delivers p_service; RB422
-- naming p_field when there is none such (how a booker's choice of "Ana" or "Berlin room"
-- is checked before it filters a calendar). NULL for NULL: "any available".
CREATE FUNCTION internal.service_resource(p_service booking.services, p_resource text, p_field text DEFAULT 'resource')
    RETURNS uuid
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v_id uuid;
BEGIN
    IF p_resource IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT r.id INTO v_id
      FROM booking.service_resources sr JOIN booking.resources r ON r.id = sr.resource_id
     WHERE sr.service_id = p_service.id AND r.active AND (r.slug = p_resource OR r.id::text = p_resource);
    IF v_id IS NULL THEN
        PERFORM internal.fail_invalid(p_field, 'is not one of the resources of this service');
    END IF;
    RETURN v_id;
END
$$;
