-- available_slots, slot_grid and suggest_alternatives: rules minus closures minus bookings,
-- past / too soon / too far, validity dates, inactive resources, fixed windows, and errors.
BEGIN;
SELECT plan(38);
\ir fixtures.psql

INSERT INTO booking.services (slug, name, duration_minutes, slot_step_minutes, max_advance_days, min_notice_minutes)
VALUES ('notice', 'Needs notice', 60, 60, 5000, 24 * 60);
INSERT INTO booking.services (slug, name, duration_minutes, slot_step_minutes, max_advance_days, fixed_window)
VALUES ('gala', 'Gala', 120, 60, 5000, '[2038-09-01 18:00Z, 2038-09-01 20:00Z)');
INSERT INTO booking.service_resources SELECT id, '00000000-0000-0000-0000-0000000000b1' FROM booking.services WHERE slug = 'notice';
INSERT INTO booking.service_resources SELECT id, '00000000-0000-0000-0000-0000000000b3' FROM booking.services WHERE slug = 'gala';
-- the office has a summer-only Saturday rule
INSERT INTO booking.availability_rules (resource_id, weekday, start_time, end_time, valid_from, valid_until)
VALUES ('00000000-0000-0000-0000-0000000000b4', 6, '10:00', '12:00', '2038-06-01', '2038-08-31');
INSERT INTO booking.closures (resource_id, during)
VALUES ('00000000-0000-0000-0000-0000000000b4', '[2038-06-22 13:00Z, 2038-06-22 15:00Z)');

CREATE FUNCTION pg_temp.statuses(p_service text, p_from timestamptz, p_to timestamptz) RETURNS text[] LANGUAGE sql AS $$
    SELECT array_agg(status ORDER BY starts_at) FROM api.slot_grid(p_service, p_from, p_to)
$$;

-- opening hours, validity dates, closures -----------------------------------------------------
SELECT is((SELECT array_agg(to_char(starts_at AT TIME ZONE 'America/New_York', 'HH24:MI') ORDER BY starts_at)
             FROM api.available_slots('office', '2038-06-21 00:00Z', '2038-06-22 00:00Z')),
          ARRAY['09:00', '10:00', '11:00', '12:00', '13:00', '14:00', '15:00', '16:00'],
          'available_slots: a Monday 09:00-17:00 in New York gives eight hourly slots');
SELECT is((SELECT count(*)::integer FROM api.available_slots('office', '2038-06-20 00:00Z', '2038-06-21 00:00Z')), 0,
          'available_slots: nothing on a Sunday without rules');
SELECT is((SELECT count(*)::integer FROM api.available_slots('office', '2038-06-26 04:00Z', '2038-06-27 04:00Z')), 2,
          'available_slots: the summer Saturday rule applies inside its validity');
SELECT is((SELECT count(*)::integer FROM api.available_slots('office', '2038-09-04 04:00Z', '2038-09-05 04:00Z')), 0,
          'available_slots: ... and not after valid_until');
SELECT is((SELECT array_agg(to_char(starts_at AT TIME ZONE 'America/New_York', 'HH24:MI') ORDER BY starts_at)
             FROM api.available_slots('office', '2038-06-22 00:00Z', '2038-06-23 00:00Z')),
          ARRAY['11:00', '12:00', '13:00', '14:00', '15:00', '16:00'],
          'available_slots: a closure 09:00-11:00 removes those slots');
SELECT is(pg_temp.statuses('office', '2038-06-22 13:00Z', '2038-06-22 16:00Z'), ARRAY['unavailable', 'unavailable', 'available'],
          'slot_grid: closed slots are unavailable');
SELECT is((SELECT count(*)::integer FROM api.slot_grid('office', '2038-06-22 00:00Z', '2038-06-23 00:00Z')), 8,
          'slot_grid: every slot within the opening hours, closed ones included');
UPDATE booking.resources SET active = false WHERE id = '00000000-0000-0000-0000-0000000000b4';
SELECT is((SELECT count(*)::integer FROM api.slot_grid('office', '2038-06-22 00:00Z', '2038-06-23 00:00Z')), 0,
          'slot_grid: an inactive resource offers nothing');
UPDATE booking.resources SET active = true WHERE id = '00000000-0000-0000-0000-0000000000b4';

-- bookings, several resources, seats ---------------------------------------------------------
SELECT is((SELECT (seats_left, resource_ids) FROM api.available_slots('duo', '2038-06-23 08:00Z', '2038-06-23 08:15Z')),
          (2, ARRAY['00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000b2']::uuid[]),
          'available_slots: two free rooms, both listed');
INSERT INTO saved SELECT 'd1', b.id FROM api.book_slot('duo', '2038-06-23 08:00Z', '{"name": "A", "email": "a@example.com"}',
    p_resource => '00000000-0000-0000-0000-0000000000b1') b;
SELECT is((SELECT (seats_left, resource_ids) FROM api.available_slots('duo', '2038-06-23 08:00Z', '2038-06-23 08:15Z')),
          (1, ARRAY['00000000-0000-0000-0000-0000000000b2']::uuid[]), 'available_slots: one room left, the free one listed');
SELECT is(pg_temp.statuses('duo', '2038-06-23 08:00Z', '2038-06-23 08:15Z'), ARRAY['available'],
          'slot_grid: available while one resource is free');
SELECT lives_ok($$SELECT api.book_slot('duo', '2038-06-23 08:00Z', '{"name": "B", "email": "b@example.com"}')$$, 'book the other room');
SELECT is(pg_temp.statuses('duo', '2038-06-23 07:30Z', '2038-06-23 09:00Z'), ARRAY['available', 'booked', 'available'],
          'slot_grid: booked when every resource is taken');
SELECT is((SELECT seats_left FROM api.slot_grid('duo', '2038-06-23 08:00Z', '2038-06-23 08:15Z')), NULL::integer,
          'slot_grid: a booked slot has no seats left to offer');
SELECT is((SELECT seats_left FROM api.slot_grid('concert', '2038-06-23 18:00Z', '2038-06-23 18:15Z')), 10,
          'slot_grid: seats_left of a free session is the capacity');

-- past, too soon, too far, fixed window ---------------------------------------------------------
SELECT is((SELECT array_agg(DISTINCT status) FROM api.slot_grid('consult', now() - interval '2 days', now() - interval '1 day')),
          ARRAY['unavailable'], 'slot_grid: past slots are unavailable');
SELECT is((SELECT count(*)::integer FROM api.available_slots('consult', now() - interval '2 days', now() - interval '1 day')), 0,
          'available_slots: nothing in the past');
SELECT is((SELECT array_agg(DISTINCT status) FROM api.slot_grid('notice', now() + interval '2 hours', now() + interval '20 hours')),
          ARRAY['unavailable'], 'slot_grid: slots inside the minimum notice are unavailable');
SELECT ok((SELECT min(starts_at) >= now() + interval '24 hours'
             FROM api.available_slots('notice', now(), now() + interval '3 days')),
          'available_slots: the first slot respects the minimum notice');
SELECT is((SELECT array_agg(DISTINCT status) FROM api.slot_grid('consult', '2045-01-09 00:00Z', '2045-01-10 00:00Z')),
          ARRAY['unavailable'], 'slot_grid: slots beyond the maximum advance are unavailable');
SELECT is((SELECT count(*)::integer FROM api.available_slots('consult', '2045-01-09 00:00Z', '2045-01-10 00:00Z')), 0,
          'available_slots: nothing beyond the maximum advance');
SELECT is((SELECT array_agg(starts_at) FROM api.available_slots('gala', '2038-08-15 00:00Z', '2038-09-15 00:00Z')),
          ARRAY['2038-09-01 18:00Z'::timestamptz], 'available_slots: a one-off event has its one slot');
SELECT is((SELECT count(*)::integer FROM api.available_slots('consult', '2038-06-24 08:00Z', '2038-06-24 10:00Z')), 4,
          'available_slots: starts in [from, to) only');

-- errors ---------------------------------------------------------------------------------------
SELECT throws_ok($$SELECT * FROM api.available_slots('nope', '2038-06-21 00:00Z', '2038-06-22 00:00Z')$$,
                 'RB404', 'service not found', 'available_slots: RB404 for an unknown service');
SELECT throws_ok($$SELECT * FROM api.available_slots('consult', NULL, '2038-06-22 00:00Z')$$,
                 'RB422', 'from: is required', 'available_slots: RB422 without from');
SELECT throws_ok($$SELECT * FROM api.available_slots('consult', '2038-06-21 00:00Z', NULL)$$,
                 'RB422', 'to: is required', 'available_slots: RB422 without to');
SELECT throws_ok($$SELECT * FROM api.available_slots('consult', '2038-06-22 00:00Z', '2038-06-21 00:00Z')$$,
                 'RB422', 'to: must be after from', 'available_slots: RB422 for a reversed range');
SELECT throws_ok($$SELECT * FROM api.available_slots('consult', '2038-06-01 00:00Z', '2038-08-03 00:00Z')$$,
                 'RB422', 'to: the range may span at most 62 days', 'available_slots: RB422 for a range over 62 days');
SELECT throws_ok($$SELECT * FROM api.slot_grid('nope', '2038-06-21 00:00Z', '2038-06-22 00:00Z')$$,
                 'RB404', 'service not found', 'slot_grid: RB404 for an unknown service');
SELECT throws_ok($$SELECT * FROM api.slot_grid('consult', '2038-06-22 00:00Z', '2038-06-22 00:00Z')$$,
                 'RB422', 'to: must be after from', 'slot_grid: RB422 for an empty range');
SELECT throws_ok($$SELECT * FROM api.slot_grid('consult', '2038-06-01 00:00Z', '2038-09-01 00:00Z')$$,
                 'RB422', 'to: the range may span at most 62 days', 'slot_grid: RB422 for a range over 62 days');

-- suggest_alternatives -------------------------------------------------------------------------
INSERT INTO saved SELECT 'c1', b.id FROM api.book_slot('consult', '2038-06-25 10:00Z', '{"name": "C", "email": "c@example.com"}') b;
SELECT is((SELECT array_agg(starts_at ORDER BY abs(extract(epoch FROM starts_at - '2038-06-25 10:00Z')), starts_at)
             FROM api.suggest_alternatives('consult', '2038-06-25 10:00Z', 4)),
          ARRAY['2038-06-25 09:00Z', '2038-06-25 11:00Z', '2038-06-25 08:30Z', '2038-06-25 11:30Z']::timestamptz[],
          'suggest_alternatives: the nearest free slots before and after');
SELECT is((SELECT count(*)::integer FROM api.suggest_alternatives('consult', '2038-06-25 10:00Z')), 5,
          'suggest_alternatives: five by default');
SELECT lives_ok($$SELECT api.book_slot('concert', '2038-06-25 18:00Z', '{"name": "D", "email": "d@example.com"}', p_seats => 4)$$,
                'book 4 of 10 seats of a session');
SELECT ok((SELECT bool_and(starts_at NOT BETWEEN '2038-06-25 17:00Z' AND '2038-06-25 19:00Z')
             FROM api.suggest_alternatives('concert', '2038-06-25 18:00Z', 5, 7)),
          'suggest_alternatives: p_seats skips slots with too few seats left');
SELECT is((SELECT array_agg(starts_at) FROM api.suggest_alternatives('gala', '2038-09-04 18:00Z')),
          ARRAY['2038-09-01 18:00Z'::timestamptz], 'suggest_alternatives: looks up to a week away when the day has too few');
SELECT is((SELECT array_agg(starts_at) FROM api.suggest_alternatives('gala', '2038-09-09 18:00Z')), NULL::timestamptz[],
          'suggest_alternatives: but not further than a week');
SELECT throws_ok($$SELECT * FROM api.suggest_alternatives('nope', '2038-06-25 10:00Z')$$,
                 'RB404', 'service not found', 'suggest_alternatives: RB404 for an unknown service');

SELECT * FROM finish();
ROLLBACK;
