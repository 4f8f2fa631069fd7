-- Time zone names that PostgreSQL's AT TIME ZONE does not read as the tz database does
-- (issue 11). AT TIME ZONE looks a name up among the time zone abbreviations before the
-- tz database, so 'CET', 'EET', 'MET' and 'WET' read as fixed offsets and ignore summer
-- time, and 'EST', 'MST' and 'HST' read whatever the session's timezone_abbreviations
-- says ('EST' is +10:00 under the 'Australia' set). 'localtime' is the database server's
-- own zone and 'posixrules' a file of defaults, not places. A resource may no longer use
-- them: booking.is_valid_timezone raises RB422 on timezone naming the zone to use instead
-- (the zone the tz database links the name to since 2024b, same UTC offsets from now on).
-- UTC, GMT, UCT and Zulu are abbreviations too, but read as UTC either way: kept.
CREATE TABLE booking.time_zone_aliases (
    name      text PRIMARY KEY,
    canonical text,          -- NULL: no one zone to suggest
    message   text NOT NULL  -- the 422's text for the timezone field
);
INSERT INTO booking.time_zone_aliases (name, canonical, message) VALUES
    ('CET', 'Europe/Brussels', 'CET is read by PostgreSQL as the fixed offset +01:00, without summer time: use Europe/Brussels (the tz database''s zone for CET) or your city''s zone, e.g. Europe/Paris'),
    ('MET', 'Europe/Brussels', 'MET is read by PostgreSQL as the fixed offset +01:00, without summer time: use Europe/Brussels (the tz database''s zone for MET) or your city''s zone, e.g. Europe/Paris'),
    ('EET', 'Europe/Athens', 'EET is read by PostgreSQL as the fixed offset +02:00, without summer time: use Europe/Athens (the tz database''s zone for EET) or your city''s zone, e.g. Europe/Helsinki'),
    ('WET', 'Europe/Lisbon', 'WET is read by PostgreSQL as the fixed offset +00:00, without summer time: use Europe/Lisbon (the tz database''s zone for WET) or your city''s zone, e.g. Atlantic/Canary'),
    ('EST', 'America/Panama', 'EST is read by PostgreSQL as an abbreviation whose offset depends on the session: use America/Panama (UTC-05:00 all year), or America/New_York for US Eastern time with summer time'),
    ('MST', 'America/Phoenix', 'MST is read by PostgreSQL as an abbreviation whose offset depends on the session: use America/Phoenix (UTC-07:00 all year), or America/Denver for US Mountain time with summer time'),
    ('HST', 'Pacific/Honolulu', 'HST is read by PostgreSQL as an abbreviation whose offset depends on the session: use Pacific/Honolulu'),
    ('posixrules', 'America/New_York', 'posixrules is a file of default rules, not a place: use America/New_York, the zone it copies'),
    ('localtime', NULL, 'localtime is the database server''s own zone, not a place: name the zone, e.g. Europe/Paris');
DELETE FROM booking.time_zones WHERE name IN (SELECT name FROM booking.time_zone_aliases);

-- true: a zone PostgreSQL reads as the tz database does. A name of time_zone_aliases
-- raises RB422 naming the zone to use; any other name false (the CHECK's 422).
CREATE OR REPLACE FUNCTION booking.is_valid_timezone(p_zone text) RETURNS boolean
    LANGUAGE plpgsql STABLE STRICT
    AS $$
DECLARE
    v_message text;
BEGIN
    IF EXISTS (SELECT 1 FROM booking.time_zones WHERE name = p_zone) THEN
        RETURN true;
    END IF;
    SELECT message INTO v_message FROM booking.time_zone_aliases WHERE name = p_zone;
    IF v_message IS NOT NULL THEN
        RAISE EXCEPTION USING
            ERRCODE = 'RB422',
            MESSAGE = 'timezone: ' || v_message,
            DETAIL = jsonb_build_object('errors', jsonb_build_object('timezone', v_message))::text;
    END IF;
    -- A name newer than the cache: in the tz database, and not taken for an abbreviation.
    RETURN EXISTS (SELECT 1 FROM pg_catalog.pg_timezone_names WHERE name = p_zone)
       AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_timezone_abbrevs WHERE lower(abbrev) = lower(p_zone));
END
$$;

-- Resources already using such a name get the suggested zone: for CET, EET, MET and WET
-- that is what they meant (summer time included); for EST, MST, HST and posixrules the
-- offsets do not change. Bookings keep their instants. A resource on 'localtime' is left
-- as it is (there is no zone to guess) and listed here; saving it asks for a zone.
UPDATE booking.resources r SET timezone = a.canonical
  FROM booking.time_zone_aliases a
 WHERE r.timezone = a.name AND a.canonical IS NOT NULL;
DO $$
DECLARE
    v_slugs text := (SELECT string_agg(slug, ', ') FROM booking.resources WHERE timezone = 'localtime');
BEGIN
    IF v_slugs IS NOT NULL THEN
        RAISE WARNING 'resources on the server''s localtime zone, to be given a zone: %', v_slugs;
    END IF;
END
$$;
