-- The booker's time zone as sent by the client (attendee.timezone), checked like a
-- resource's zone (a tz database name, no abbreviation read as a fixed offset); NULL when
-- none was sent (the resource's zone applies). RB422 naming attendee.timezone otherwise.
CREATE FUNCTION internal.attendee_zone(p_zone text) RETURNS text
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v_zone text := nullif(trim(p_zone), '');
    v_message text;
BEGIN
    IF v_zone IS NULL THEN
        RETURN NULL;
    END IF;
    IF length(v_zone) > 64 THEN
        PERFORM internal.fail_invalid('attendee.timezone', 'is longer than 64 characters');
    END IF;
    SELECT message INTO v_message FROM booking.time_zone_aliases WHERE name = v_zone;
    IF v_message IS NOT NULL THEN
        PERFORM internal.fail_invalid('attendee.timezone', v_message);
    END IF;
    IF NOT booking.is_valid_timezone(v_zone) THEN
        PERFORM internal.fail_invalid('attendee.timezone', 'is not a time zone of the tz database, e.g. Europe/Berlin');
    END IF;
    RETURN v_zone;
END
$$;
