-- The latest change sequence: read it before slots so a live client resumes without a gap.
CREATE FUNCTION api.current_seq() RETURNS bigint
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$ SELECT coalesce(max(id), 0) FROM booking.booking_audit $$;
