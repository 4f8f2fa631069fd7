-- The change feed for live clients: audit entries after p_seq, oldest first, without
-- personal data. A reschedule carries the old times so clients free the old slot too.
CREATE FUNCTION api.changes_since(p_seq bigint, p_service text DEFAULT NULL, p_limit integer DEFAULT 1000)
    RETURNS TABLE (
        seq bigint, type text, service text, resource text,
        starts_at timestamptz, ends_at timestamptz,
        old_starts_at timestamptz, old_ends_at timestamptz,
        status text, at timestamptz
    )
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
    SELECT a.id, a.action, s.slug, r.slug, a.starts_at, a.ends_at, a.old_starts_at, a.old_ends_at,
           a.status::text, a.at
      FROM booking.booking_audit a
      JOIN booking.services s ON s.id = a.service_id
      JOIN booking.resources r ON r.id = a.resource_id
     WHERE a.id > p_seq
       AND (p_service IS NULL OR s.slug = p_service OR s.id::text = p_service)
     ORDER BY a.id
     LIMIT least(coalesce(p_limit, 1000), 10000)
$$;
