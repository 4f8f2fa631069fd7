-- One waitlist entry as the API shows it: its place among those still waiting for the same
-- slot (1 = next), and the offer while there is one.
CREATE FUNCTION internal.waitlist_entry_json(p_entry booking.waitlist_entries) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT jsonb_build_object(
        'id', p_entry.id, 'service', s.slug, 'service_name', s.name,
        'starts_at', p_entry.starts_at,
        'ends_at', p_entry.starts_at + make_interval(mins => s.duration_minutes),
        'seats', p_entry.seats, 'name', p_entry.name, 'email', p_entry.email::text,
        'member', p_entry.user_id IS NOT NULL,
        'status', p_entry.status,
        'place', CASE WHEN p_entry.status = 'waiting' THEN (
            SELECT count(*) + 1 FROM booking.waitlist_entries o
             WHERE o.service_id = p_entry.service_id AND o.starts_at = p_entry.starts_at AND o.status = 'waiting'
               AND (o.position, o.id) < (p_entry.position, p_entry.id)) END,
        'offer', CASE WHEN p_entry.offer_id IS NOT NULL THEN jsonb_build_object(
            'id', p_entry.offer_id, 'offered_at', p_entry.offered_at, 'expires_at', p_entry.offer_expires_at) END,
        'created_at', p_entry.created_at)
      FROM booking.services s
     WHERE s.id = p_entry.service_id
$$;
