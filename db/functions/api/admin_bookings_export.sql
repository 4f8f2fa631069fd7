-- The admin's bookings overview as rows for a CSV export (at most 100 000), filtered as
-- api.admin_bookings is, by start; answers: the booking questions' answers on one line.
CREATE FUNCTION api.admin_bookings_export(
    p_actor uuid,
    p_service text DEFAULT NULL,
    p_resource text DEFAULT NULL,
    p_status text DEFAULT NULL,
    p_from timestamptz DEFAULT NULL,
    p_to timestamptz DEFAULT NULL,
    p_q text DEFAULT NULL
) RETURNS TABLE (
    reference text, status text, service text, resource text, starts_at timestamptz, ends_at timestamptz,
    seats integer, price numeric, currency text, attendee_name text, attendee_email text,
    attendee_phone text, notes text, created_at timestamptz, id uuid, answers text
)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
BEGIN
    PERFORM internal.require_admin(p_actor);
    RETURN QUERY
    SELECT b.reference::text, b.status::text, s.slug, r.slug, b.starts_at, b.ends_at, b.seat_count::integer,
           b.price::numeric, b.currency::text, b.attendee_name::text, b.attendee_email::text,
           b.attendee_phone::text, b.notes, b.created_at, b.id, internal.answers_text(b.metadata)
      FROM internal.find_bookings(p_service, p_resource, p_status, p_from, p_to, p_q) b
      JOIN booking.services s ON s.id = b.service_id
      JOIN booking.resources r ON r.id = b.resource_id
     ORDER BY b.starts_at, b.id
     LIMIT 100000;
END
$$;
