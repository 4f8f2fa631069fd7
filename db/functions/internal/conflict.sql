-- Raise RB409 (slot unavailable) with the nearest alternatives as JSON in DETAIL.
CREATE FUNCTION internal.conflict(p_service booking.services, p_starts_at timestamptz, p_seats integer, p_message text)
    RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v_alternatives jsonb;
BEGIN
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'starts_at', a.starts_at, 'ends_at', a.ends_at, 'seats_left', a.seats_left)), '[]')
      INTO v_alternatives
      FROM internal.alternatives(p_service, p_starts_at, p_seats, 5) a;
    RAISE EXCEPTION USING
        ERRCODE = 'RB409',
        MESSAGE = p_message,
        DETAIL = jsonb_build_object('alternatives', v_alternatives)::text;
END
$$;
