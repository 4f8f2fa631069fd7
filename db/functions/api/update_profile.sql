-- PATCH /me/profile: the signed-in member changes their name and/or time zone (keys absent
-- keep their value; time_zone null means "each resource's own zone"). RB422 naming the
-- field for a blank or long name or an unknown zone. Returns the account as api.me does.
CREATE FUNCTION api.update_profile(p_actor uuid, p_fields jsonb) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v booking.users;
    v_name text;
    v_zone text;
BEGIN
    IF p_fields IS NULL OR jsonb_typeof(p_fields) <> 'object' THEN
        PERFORM internal.fail_invalid('profile', 'must be a JSON object');
    END IF;
    SELECT * INTO v FROM booking.users WHERE id = p_actor AND disabled_at IS NULL FOR UPDATE;
    IF v.id IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'RB401', MESSAGE = 'this account no longer exists';
    END IF;
    IF p_fields ? 'name' THEN
        v_name := trim(p_fields ->> 'name');
        IF jsonb_typeof(p_fields -> 'name') <> 'string' OR v_name = '' THEN
            PERFORM internal.fail_invalid('name', 'is required');
        ELSIF length(v_name) > 200 THEN
            PERFORM internal.fail_invalid('name', 'is longer than 200 characters');
        END IF;
        v.name := v_name;
    END IF;
    IF p_fields ? 'time_zone' THEN
        v_zone := nullif(trim(p_fields ->> 'time_zone'), '');
        IF jsonb_typeof(p_fields -> 'time_zone') NOT IN ('string', 'null') THEN
            PERFORM internal.fail_invalid('time_zone', 'must be a time zone name such as Europe/Berlin');
        ELSIF v_zone IS NOT NULL AND (length(v_zone) > 64 OR NOT internal.time_zone_ok(v_zone)) THEN
            PERFORM internal.fail_invalid('time_zone', 'is not a known time zone (e.g. Europe/Berlin)');
        END IF;
        v.time_zone := v_zone;
    END IF;
    UPDATE booking.users SET name = v.name, time_zone = v.time_zone, updated_at = now() WHERE id = p_actor;
    RETURN api.me(p_actor);
END
$$;
