-- 'posix/Europe/Berlin' is the tz database's Europe/Berlin under a second, system-specific
-- name (and 'right/Europe/Berlin', where a system has them, the same zone counting leap
-- seconds, which PostgreSQL's timestamps do not). PostgreSQL lists them in
-- pg_timezone_names, so a resource, a member's profile or a booking could be given one, but
-- browsers do not know them (Intl.DateTimeFormat throws RangeError): a page showing times
-- in such a zone failed. They are refused like the abbreviations of 0020, naming the zone to
-- use, and values already stored get that zone (the same instants and, for posix/, the
-- same offsets).
-- The zone to use is the name without its prefix, or, for a copy of an abbreviation 0020
-- refuses (posix/CET), the zone 0020 names for it.
INSERT INTO booking.time_zone_aliases (name, canonical, message)
SELECT z.name, z.canonical,
       CASE WHEN z.name LIKE 'posix/%'
            THEN format('%s is a system-specific copy of %s that browsers do not know: use %s', z.name, z.plain, z.canonical)
            ELSE format('%s counts leap seconds, which PostgreSQL does not: use %s', z.name, z.canonical) END
  FROM (SELECT n.name, c.plain, coalesce(a.canonical, t.name) AS canonical
          FROM pg_catalog.pg_timezone_names n
         CROSS JOIN LATERAL (SELECT regexp_replace(n.name, '^(posix|right)/', '') AS plain) c
          LEFT JOIN booking.time_zones t ON t.name = c.plain
          LEFT JOIN booking.time_zone_aliases a ON a.name = c.plain
         WHERE n.name ~ '^(posix|right)/') z
 WHERE z.canonical IS NOT NULL
ON CONFLICT (name) DO NOTHING;
DELETE FROM booking.time_zones WHERE name ~ '^(posix|right)/';

-- as in 0020, and a name newer than the cache is not taken from those two trees either
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
    -- A name newer than the cache: in the tz database, not taken for an abbreviation, and
    -- not a system-specific copy.
    RETURN p_zone !~ '^(posix|right)/'
       AND EXISTS (SELECT 1 FROM pg_catalog.pg_timezone_names WHERE name = p_zone)
       AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_timezone_abbrevs WHERE lower(abbrev) = lower(p_zone));
END
$$;

UPDATE booking.resources r SET timezone = a.canonical
  FROM booking.time_zone_aliases a
 WHERE r.timezone = a.name AND a.name ~ '^(posix|right)/';
UPDATE booking.users u SET time_zone = a.canonical
  FROM booking.time_zone_aliases a
 WHERE u.time_zone = a.name AND a.name ~ '^(posix|right)/';
-- A booking's zone is only how its times are shown; renaming it is no change of the booking,
-- so it is written without the audit, outbox and notification triggers (no email says
-- "updated" for it). Without this, the zone CHECK would refuse any later change of the row.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM booking.bookings WHERE attendee_timezone ~ '^(posix|right)/') THEN
        ALTER TABLE booking.bookings DISABLE TRIGGER USER;
        UPDATE booking.bookings b SET attendee_timezone = a.canonical
          FROM booking.time_zone_aliases a
         WHERE b.attendee_timezone = a.name AND a.name ~ '^(posix|right)/';
        ALTER TABLE booking.bookings ENABLE TRIGGER USER;
    END IF;
END
$$;
