-- Make the resources named by p_slugs (a JSON array of slugs) the team that delivers a
-- service; RB422 naming `resources` for anything else or an unknown slug.
CREATE FUNCTION internal.link_service_resources(p_service uuid, p_slugs jsonb) RETURNS void
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_missing text;
BEGIN
    IF jsonb_typeof(p_slugs) IS DISTINCT FROM 'array'
       OR EXISTS (SELECT 1 FROM jsonb_array_elements(p_slugs) e WHERE jsonb_typeof(e) <> 'string') THEN
        PERFORM internal.fail_invalid('resources', 'must be a list of resource slugs');
    END IF;
    SELECT string_agg(s, ', ' ORDER BY n) INTO v_missing
      FROM jsonb_array_elements_text(p_slugs) WITH ORDINALITY AS x(s, n)
     WHERE NOT EXISTS (SELECT 1 FROM booking.resources r WHERE r.slug = x.s);
    IF v_missing IS NOT NULL THEN
        PERFORM internal.fail_invalid('resources', 'no such resource: ' || v_missing);
    END IF;
    DELETE FROM booking.service_resources WHERE service_id = p_service;
    INSERT INTO booking.service_resources (service_id, resource_id)
    SELECT p_service, r.id FROM booking.resources r
     WHERE r.slug IN (SELECT jsonb_array_elements_text(p_slugs));
END
$$;
