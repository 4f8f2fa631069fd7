-- Raise RB409 (slot unavailable) with the nearest alternatives as JSON in DETAIL.
-- A one-off event (fixed window) has no other slot: no search, so the refusals of a
-- sold-out event stay cheap.
CREATE FUNCTION internal.conflict(p_service booking.services, p_starts_at timestamptz, p_seats integer, p_message text)
    RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v_alternatives jsonb := '[]';
BEGIN
    IF p_service.fixed_window IS NULL THEN
        SELECT coalesce(jsonb_agg(jsonb_build_object(
                   'starts_at', a.starts_at, 'ends_at', a.ends_at, 'seats_left', a.seats_left)), '[]')
          INTO v_alternatives
          FROM internal.alternatives(p_service, p_starts_at, p_seats, 5) a;
    END IF;
    RAISE EXCEPTION USING
        ERRCODE = 'RB409',
        MESSAGE = p_message,
        DETAIL = jsonb_build_object('alternatives', v_alternatives)::text;
END
$$;
