-- Time zones and DST: slot_grid / available_slots on spring-forward (23 h) and fall-back
-- (25 h) days in America/New_York and Europe/Berlin. Slots are real instants: none at a
-- local time that does not exist, every real instant inside the rules offered exactly once.
BEGIN;
SELECT plan(34);
\ir fixtures.psql

INSERT INTO booking.resources (id, slug, name, timezone) VALUES
    ('00000000-0000-0000-0000-0000000000e1', 'ny-24', 'NY all day', 'America/New_York'),
    ('00000000-0000-0000-0000-0000000000e2', 'be-24', 'Berlin all day', 'Europe/Berlin'),
    ('00000000-0000-0000-0000-0000000000e3', 'ny-night', 'NY night shift', 'America/New_York'),
    ('00000000-0000-0000-0000-0000000000e4', 'be-night', 'Berlin night shift', 'Europe/Berlin');
INSERT INTO booking.availability_rules (resource_id, weekday, start_time, end_time)
SELECT r, d, '00:00', '24:00' FROM unnest(ARRAY['00000000-0000-0000-0000-0000000000e1',
                                                 '00000000-0000-0000-0000-0000000000e2']::uuid[]) r,
                                    generate_series(1, 7) d;
-- Sunday night shifts that start inside the repeated hour of the fall-back day.
INSERT INTO booking.availability_rules (resource_id, weekday, start_time, end_time) VALUES
    ('00000000-0000-0000-0000-0000000000e3', 7, '01:00', '03:00'),
    ('00000000-0000-0000-0000-0000000000e4', 7, '02:00', '04:00');
INSERT INTO booking.services (id, slug, name, duration_minutes, slot_step_minutes, max_advance_days) VALUES
    ('00000000-0000-0000-0000-0000000000f1', 'ny-hour', 'NY hour', 60, 60, 5000),
    ('00000000-0000-0000-0000-0000000000f2', 'ny-quarter', 'NY quarter', 15, 15, 5000),
    ('00000000-0000-0000-0000-0000000000f3', 'be-hour', 'Berlin hour', 60, 60, 5000),
    ('00000000-0000-0000-0000-0000000000f4', 'be-quarter', 'Berlin quarter', 15, 15, 5000),
    ('00000000-0000-0000-0000-0000000000f5', 'ny-night', 'NY night', 60, 60, 5000),
    ('00000000-0000-0000-0000-0000000000f6', 'be-night', 'Berlin night', 60, 60, 5000);
INSERT INTO booking.service_resources VALUES
    ('00000000-0000-0000-0000-0000000000f1', '00000000-0000-0000-0000-0000000000e1'),
    ('00000000-0000-0000-0000-0000000000f2', '00000000-0000-0000-0000-0000000000e1'),
    ('00000000-0000-0000-0000-0000000000f3', '00000000-0000-0000-0000-0000000000e2'),
    ('00000000-0000-0000-0000-0000000000f4', '00000000-0000-0000-0000-0000000000e2'),
    ('00000000-0000-0000-0000-0000000000f5', '00000000-0000-0000-0000-0000000000e3'),
    ('00000000-0000-0000-0000-0000000000f6', '00000000-0000-0000-0000-0000000000e4');

-- The slots of one local day of a zone, from either API function.
CREATE FUNCTION pg_temp.grid(p_service text, p_day date, p_zone text) RETURNS SETOF timestamptz LANGUAGE sql AS $$
    SELECT starts_at FROM api.slot_grid(p_service, p_day::timestamp AT TIME ZONE p_zone, (p_day + 1)::timestamp AT TIME ZONE p_zone)
$$;
CREATE FUNCTION pg_temp.avail(p_service text, p_day date, p_zone text) RETURNS SETOF timestamptz LANGUAGE sql AS $$
    SELECT starts_at FROM api.available_slots(p_service, p_day::timestamp AT TIME ZONE p_zone, (p_day + 1)::timestamp AT TIME ZONE p_zone)
$$;
CREATE FUNCTION pg_temp.local_times(p_service text, p_day date, p_zone text) RETURNS text LANGUAGE sql AS $$
    SELECT string_agg(to_char(s AT TIME ZONE p_zone, 'HH24:MI'), ' ' ORDER BY s) FROM pg_temp.grid(p_service, p_day, p_zone) s
$$;

-- America/New_York, spring forward 2038-03-14 (02:00 EST -> 03:00 EDT) ---------------------------
SELECT is((SELECT count(*)::integer FROM pg_temp.grid('ny-hour', '2038-03-14', 'America/New_York')), 23,
          'NY spring forward: a 00:00-24:00 day has 23 hourly slots');
SELECT is((SELECT count(*)::integer FROM pg_temp.grid('ny-quarter', '2038-03-14', 'America/New_York')), 92,
          'NY spring forward: 92 quarter-hour slots');
SELECT is((SELECT count(*)::integer FROM pg_temp.avail('ny-hour', '2038-03-14', 'America/New_York')), 23,
          'NY spring forward: available_slots offers 23');
SELECT is(pg_temp.local_times('ny-hour', '2038-03-14', 'America/New_York'),
          '00:00 01:00 03:00 04:00 05:00 06:00 07:00 08:00 09:00 10:00 11:00 12:00 13:00 14:00 15:00 16:00 17:00 18:00 19:00 20:00 21:00 22:00 23:00',
          'NY spring forward: no slot at 02:00, which does not exist');
SELECT ok(NOT EXISTS (SELECT 1 FROM pg_temp.grid('ny-quarter', '2038-03-14', 'America/New_York') s
                       WHERE to_char(s AT TIME ZONE 'America/New_York', 'HH24') = '02'),
          'NY spring forward: no quarter-hour slot in the missing hour');
SELECT is((SELECT ends_at - starts_at FROM api.slot_grid('ny-hour', '2038-03-14 06:00Z', '2038-03-14 07:00:01Z') WHERE starts_at = '2038-03-14 06:00Z'),
          interval '1 hour', 'NY spring forward: the 01:00 slot lasts one real hour (ends 03:00 EDT)');
INSERT INTO saved SELECT 'ny1', b.id FROM api.book_slot('ny-hour', '2038-03-14 07:00Z', '{"name": "A", "email": "a@example.com"}') b;
SELECT is((SELECT to_char(local_starts_at, 'HH24:MI') FROM report.bookings
            WHERE id = pg_temp.bid('ny1')),
          '03:00', 'NY spring forward: the first slot after the gap books at 03:00 local');

-- America/New_York, fall back 2038-11-07 (02:00 EDT -> 01:00 EST) ----------------------------------
SELECT is((SELECT count(*)::integer FROM pg_temp.grid('ny-hour', '2038-11-07', 'America/New_York')), 25,
          'NY fall back: a 00:00-24:00 day has 25 hourly slots');
SELECT is((SELECT count(*)::integer FROM pg_temp.grid('ny-quarter', '2038-11-07', 'America/New_York')), 100,
          'NY fall back: 100 quarter-hour slots');
SELECT is((SELECT count(DISTINCT s)::integer FROM pg_temp.grid('ny-quarter', '2038-11-07', 'America/New_York') s), 100,
          'NY fall back: each real instant once');
SELECT is((SELECT count(*)::integer FROM pg_temp.avail('ny-hour', '2038-11-07', 'America/New_York')), 25,
          'NY fall back: available_slots offers 25');
SELECT is(pg_temp.local_times('ny-hour', '2038-11-07', 'America/New_York'),
          '00:00 01:00 01:00 02:00 03:00 04:00 05:00 06:00 07:00 08:00 09:00 10:00 11:00 12:00 13:00 14:00 15:00 16:00 17:00 18:00 19:00 20:00 21:00 22:00 23:00',
          'NY fall back: 01:00 local is offered twice, once per real instant');
SELECT lives_ok($$SELECT api.book_slot('ny-hour', '2038-11-07 05:00Z', '{"name": "B", "email": "b@example.com"}')$$,
                'NY fall back: book 01:00 EDT');
SELECT lives_ok($$SELECT api.book_slot('ny-hour', '2038-11-07 06:00Z', '{"name": "C", "email": "c@example.com"}')$$,
                'NY fall back: book 01:00 EST, a different instant');
SELECT is((SELECT array_agg(status ORDER BY starts_at) FROM api.slot_grid('ny-hour', '2038-11-07 05:00Z', '2038-11-07 07:00Z')),
          ARRAY['booked', 'booked'], 'NY fall back: both 01:00 slots show as booked');
SELECT is((SELECT string_agg(to_char(starts_at AT TIME ZONE 'America/New_York', 'HH24:MI'), ' ' ORDER BY starts_at)
             FROM api.slot_grid('ny-night', '2038-11-07 00:00Z', '2038-11-08 00:00Z')),
          '01:00 01:00 02:00', 'NY fall back: a rule 01:00-03:00 offers all three real hours');
SELECT is((SELECT count(*)::integer FROM api.slot_grid('ny-night', '2038-03-14 00:00Z', '2038-03-15 00:00Z')), 1,
          'NY spring forward: a rule 01:00-03:00 has one real hour');
SELECT is((SELECT count(*)::integer FROM api.slot_grid('ny-night', '2038-06-13 00:00Z', '2038-06-14 00:00Z')), 2,
          'NY summer: a rule 01:00-03:00 has two');

-- Europe/Berlin, spring forward 2038-03-28 (02:00 CET -> 03:00 CEST) ------------------------------
SELECT is((SELECT count(*)::integer FROM pg_temp.grid('be-hour', '2038-03-28', 'Europe/Berlin')), 23,
          'Berlin spring forward: 23 hourly slots');
SELECT is((SELECT count(*)::integer FROM pg_temp.grid('be-quarter', '2038-03-28', 'Europe/Berlin')), 92,
          'Berlin spring forward: 92 quarter-hour slots');
SELECT is((SELECT count(*)::integer FROM pg_temp.avail('be-quarter', '2038-03-28', 'Europe/Berlin')), 92,
          'Berlin spring forward: available_slots offers 92');
SELECT ok(NOT EXISTS (SELECT 1 FROM pg_temp.grid('be-quarter', '2038-03-28', 'Europe/Berlin') s
                       WHERE to_char(s AT TIME ZONE 'Europe/Berlin', 'HH24') = '02'),
          'Berlin spring forward: no slot at 02:xx, which does not exist');
SELECT is((SELECT min(s) FILTER (WHERE s > '2038-03-28 00:30Z') FROM pg_temp.grid('be-hour', '2038-03-28', 'Europe/Berlin') s),
          '2038-03-28 01:00Z'::timestamptz, 'Berlin spring forward: 01:00 CET is followed by 03:00 CEST, one real hour later');
SELECT is((SELECT count(*)::integer FROM api.slot_grid('be-night', '2038-03-27 12:00Z', '2038-03-28 12:00Z')), 1,
          'Berlin spring forward: a rule 02:00-04:00 has one real hour (03:00 CEST)');
SELECT throws_ok($$SELECT api.book_slot('be-night', '2038-03-28 00:00Z', '{"name": "D", "email": "d@example.com"}')$$,
                 'RB422', 'starts_at: is outside the opening hours', 'Berlin spring forward: 01:00 CET is outside a 02:00-04:00 rule');

-- Europe/Berlin, fall back 2038-10-31 (03:00 CEST -> 02:00 CET) -----------------------------------
SELECT is((SELECT count(*)::integer FROM pg_temp.grid('be-hour', '2038-10-31', 'Europe/Berlin')), 25,
          'Berlin fall back: 25 hourly slots');
SELECT is((SELECT count(*)::integer FROM pg_temp.grid('be-quarter', '2038-10-31', 'Europe/Berlin')), 100,
          'Berlin fall back: 100 quarter-hour slots');
SELECT is((SELECT count(DISTINCT s)::integer FROM pg_temp.avail('be-quarter', '2038-10-31', 'Europe/Berlin') s), 100,
          'Berlin fall back: available_slots offers each real instant once');
SELECT is((SELECT count(*)::integer FROM pg_temp.grid('be-quarter', '2038-10-31', 'Europe/Berlin') s
            WHERE to_char(s AT TIME ZONE 'Europe/Berlin', 'HH24') = '02'), 8,
          'Berlin fall back: the repeated hour 02:xx has 8 quarter-hour slots');
SELECT is((SELECT string_agg(to_char(starts_at AT TIME ZONE 'Europe/Berlin', 'HH24:MI'), ' ' ORDER BY starts_at)
             FROM api.slot_grid('be-night', '2038-10-30 12:00Z', '2038-10-31 12:00Z')),
          '02:00 02:00 03:00', 'Berlin fall back: a rule 02:00-04:00 offers all three real hours');
SELECT lives_ok($$SELECT api.book_slot('be-night', '2038-10-31 00:00Z', '{"name": "E", "email": "e@example.com"}')$$,
                'Berlin fall back: 02:00 CEST is bookable');
SELECT lives_ok($$SELECT api.book_slot('be-night', '2038-10-31 01:00Z', '{"name": "F", "email": "f@example.com"}')$$,
                'Berlin fall back: 02:00 CET is bookable too');

-- Back-to-back slots across the transition stay contiguous in real time
SELECT is((SELECT count(*)::integer FROM (
              SELECT starts_at - lag(starts_at) OVER (ORDER BY starts_at) AS gap
                FROM api.slot_grid('be-hour', '2038-10-30 22:00Z', '2038-10-31 23:00Z')) g
            WHERE gap <> interval '1 hour'), 0, 'Berlin fall back: hourly slots are exactly one real hour apart');
SELECT is((SELECT count(*)::integer FROM (
              SELECT starts_at - lag(starts_at) OVER (ORDER BY starts_at) AS gap
                FROM api.slot_grid('ny-hour', '2038-03-14 05:00Z', '2038-03-15 04:00Z')) g
            WHERE gap <> interval '1 hour'), 0, 'NY spring forward: hourly slots are exactly one real hour apart');

SELECT * FROM finish();
ROLLBACK;
