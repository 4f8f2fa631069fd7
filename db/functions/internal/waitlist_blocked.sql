-- The range a booking of p_service starting at p_starts_at blocks (buffers included): what a
-- waitlist entry for that slot needs free.
CREATE FUNCTION internal.waitlist_blocked(p_service booking.services, p_starts_at timestamptz) RETURNS tstzrange
    LANGUAGE sql STABLE  -- timestamptz + interval is STABLE
    AS $$
    SELECT tstzrange(p_starts_at - make_interval(mins => p_service.buffer_before_minutes),
                     p_starts_at + make_interval(mins => p_service.duration_minutes + p_service.buffer_after_minutes))
$$;
