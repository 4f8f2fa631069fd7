-- Resource time zones were validated against pg_timezone_names, which reads the whole
-- time zone database from disk on every call (about 100 ms, far more under load) for
-- every INSERT or UPDATE of a resource. Keep the names in a table, refreshed here from
-- the server's tz database, and look there first; a name missing from the cache (a zone
-- added by a newer tz database) still gets the full check.
CREATE TABLE booking.time_zones (
    name text PRIMARY KEY
);
INSERT INTO booking.time_zones (name) SELECT name FROM pg_catalog.pg_timezone_names ON CONFLICT DO NOTHING;

CREATE OR REPLACE FUNCTION booking.is_valid_timezone(p_zone text) RETURNS boolean
    LANGUAGE plpgsql STABLE STRICT
    AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM booking.time_zones WHERE name = p_zone) THEN
        RETURN true;
    END IF;
    RETURN EXISTS (SELECT 1 FROM pg_catalog.pg_timezone_names WHERE name = p_zone);
END
$$;
