-- Whether p_zone is a zone name a member may choose (booking.is_valid_timezone), false
-- instead of its RB422 for an abbreviation such as EST (api.update_profile names its own field).
CREATE FUNCTION internal.time_zone_ok(p_zone text) RETURNS boolean
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN booking.is_valid_timezone(p_zone);
EXCEPTION WHEN SQLSTATE 'RB422' THEN
    RETURN false;
END
$$;
