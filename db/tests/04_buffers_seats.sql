-- Buffers (gap = buffer_after of the first + buffer_before of the second) and seats
-- (multi-seat resources, seats per booking, no oversell across services).
BEGIN;
SELECT plan(34);
\ir fixtures.psql

INSERT INTO booking.resources (id, slug, name, capacity, timezone)
VALUES ('00000000-0000-0000-0000-0000000000b9', 'studio', 'Studio', 1, 'Europe/Berlin');
INSERT INTO booking.availability_rules (resource_id, weekday, start_time, end_time)
SELECT '00000000-0000-0000-0000-0000000000b9', d, '00:00', '24:00' FROM generate_series(1, 7) d;
INSERT INTO booking.services (slug, name, duration_minutes, slot_step_minutes, max_advance_days,
                              buffer_before_minutes, buffer_after_minutes, max_seats_per_booking, price)
VALUES ('clean', 'Needs cleanup', 60, 15, 5000, 0, 30, 1, 0),
       ('setup', 'Needs set-up', 60, 15, 5000, 15, 0, 1, 0),
       ('talk', 'Talk in the hall', 60, 60, 5000, 0, 0, 10, 5);
INSERT INTO booking.service_resources
SELECT id, '00000000-0000-0000-0000-0000000000b9' FROM booking.services WHERE slug IN ('clean', 'setup');
INSERT INTO booking.service_resources
SELECT id, '00000000-0000-0000-0000-0000000000b3' FROM booking.services WHERE slug = 'talk';

-- buffers ------------------------------------------------------------------------------------
INSERT INTO saved SELECT 'c1', b.id FROM api.book_slot('clean', '2038-07-05 10:00Z', '{"name": "A", "email": "a@example.com"}') b;
SELECT is((pg_temp.bk('c1')).blocked, tstzrange('2038-07-05 10:00Z', '2038-07-05 11:30Z'),
          'buffers: a booking blocks its end plus buffer_after');
SELECT throws_ok($$SELECT api.book_slot('setup', '2038-07-05 11:30Z', '{"name": "B", "email": "b@example.com"}')$$,
                 'RB409', NULL, 'buffers: 30 minutes after the first is not enough when the second needs 15 before');
SELECT lives_ok($$SELECT api.book_slot('setup', '2038-07-05 11:45Z', '{"name": "B", "email": "b@example.com"}')$$,
                'buffers: a gap of 30 + 15 minutes is enough');
SELECT is((SELECT array_agg(starts_at ORDER BY starts_at) FROM api.available_slots('setup', '2038-07-05 11:00Z', '2038-07-05 12:00Z')),
          NULL::timestamptz[], 'available_slots: no set-up slot inside the buffers (11:45 is now booked)');
SELECT is((SELECT array_agg(status ORDER BY starts_at) FROM api.slot_grid('setup', '2038-07-05 11:00Z', '2038-07-05 12:00Z')),
          ARRAY['booked', 'booked', 'booked', 'booked'], 'slot_grid: slots blocked by buffers show as booked');
SELECT is((SELECT min(starts_at) FROM api.available_slots('clean', '2038-07-05 12:00Z', '2038-07-05 14:00Z')),
          '2038-07-05 12:45Z'::timestamptz, 'available_slots: the next cleanup slot starts when the set-up booking ends');

INSERT INTO saved SELECT 's1', b.id FROM api.book_slot('setup', '2038-07-05 15:00Z', '{"name": "C", "email": "c@example.com"}') b;
SELECT is((pg_temp.bk('s1')).blocked, tstzrange('2038-07-05 14:45Z', '2038-07-05 16:00Z'),
          'buffers: a booking blocks buffer_before ahead of its start');
SELECT throws_ok($$SELECT api.book_slot('clean', '2038-07-05 13:30Z', '{"name": "D", "email": "d@example.com"}')$$,
                 'RB409', NULL, 'buffers: cleanup ending 30 minutes before the set-up collides');
SELECT lives_ok($$SELECT api.book_slot('clean', '2038-07-05 13:15Z', '{"name": "D", "email": "d@example.com"}')$$,
                'buffers: cleanup ending 45 minutes before the set-up fits');
SELECT throws_ok($$INSERT INTO booking.bookings (service_id, resource_id, status, starts_at, ends_at, buffer_before_minutes)
                   SELECT id, '00000000-0000-0000-0000-0000000000b9', 'confirmed', '2038-07-05 16:00Z', '2038-07-05 17:00Z', 15
                     FROM booking.services WHERE slug = 'setup'$$,
                 '23P01', NULL, 'buffers: the exclusion constraint counts buffers for a DBA''s INSERT too');
SELECT lives_ok($$SELECT api.cancel_booking(pg_temp.bid('s1'), NULL)$$, 'buffers: cancelling frees the blocked range');
SELECT lives_ok($$SELECT api.book_slot('clean', '2038-07-05 14:45Z', '{"name": "E", "email": "e@example.com"}')$$,
                'buffers: the cleanup slot right before the cancelled set-up is free again');

-- seats and capacity -----------------------------------------------------------------------------
INSERT INTO saved SELECT 'h1', b.id FROM api.book_slot('concert', '2038-07-06 18:00Z', '{"name": "F", "email": "f@example.com"}', p_seats => 4) b;
SELECT is(((pg_temp.bk('h1')).seats, (pg_temp.bk('h1')).seat_count, (pg_temp.bk('h1')).price),
          ('{[1,5)}'::int4multirange, 4, 80.00::numeric(10, 2)), 'seats: 4 seats 1-4, price per seat');
INSERT INTO saved SELECT 'h2', b.id FROM api.book_slot('concert', '2038-07-06 18:00Z', '{"name": "G", "email": "g@example.com"}', p_seats => 4) b;
SELECT is((pg_temp.bk('h2')).seats, '{[5,9)}'::int4multirange, 'seats: the next 4 seats are 5-8');
SELECT is((SELECT seats_left FROM api.available_slots('concert', '2038-07-06 18:00Z', '2038-07-06 19:00Z')), 2,
          'available_slots: 2 seats left');
SELECT is((SELECT seats_left FROM api.available_slots('concert', '2038-07-06 19:00Z', '2038-07-06 20:00Z')), 2,
          'available_slots: an overlapping slot has 2 seats left too');
SELECT throws_ok($$SELECT api.book_slot('concert', '2038-07-06 18:00Z', '{"name": "H", "email": "h@example.com"}', p_seats => 3)$$,
                 'RB409', NULL, 'seats: 3 seats when 2 are left is RB409');
SELECT throws_ok($$SELECT api.book_slot('concert', '2038-07-06 18:00Z', '{"name": "H", "email": "h@example.com"}', p_seats => 5)$$,
                 'RB422', 'seats: at most 4 seats per booking for this service', 'seats: above the per-booking limit is RB422');
INSERT INTO saved SELECT 'h3', b.id FROM api.book_slot('concert', '2038-07-06 18:00Z', '{"name": "H", "email": "h@example.com"}', p_seats => 2) b;
SELECT is((pg_temp.bk('h3')).seats, '{[9,11)}'::int4multirange, 'seats: the last 2 seats');
SELECT is((SELECT status FROM api.slot_grid('concert', '2038-07-06 18:00Z', '2038-07-06 19:00Z')), 'booked',
          'slot_grid: a sold-out session is booked');
SELECT is((SELECT count(*)::integer FROM api.available_slots('concert', '2038-07-06 17:00Z', '2038-07-06 20:00Z')), 0,
          'available_slots: no slot overlapping a sold-out session');
SELECT throws_ok($$SELECT api.book_slot('concert', '2038-07-06 18:00Z', '{"name": "I", "email": "i@example.com"}')$$,
                 'RB409', NULL, 'seats: one more seat is RB409 (no oversell)');
SELECT throws_ok($$SELECT api.book_slot('talk', '2038-07-06 19:00Z', '{"name": "I", "email": "i@example.com"}')$$,
                 'RB409', NULL, 'seats: another service on the same hall cannot oversell it either');
SELECT lives_ok($$SELECT api.cancel_booking(pg_temp.bid('h2'), NULL)$$, 'seats: cancel the booking of seats 5-8');
INSERT INTO saved SELECT 'h4', b.id FROM api.book_slot('concert', '2038-07-06 18:00Z', '{"name": "J", "email": "j@example.com"}', p_seats => 3) b;
SELECT is((pg_temp.bk('h4')).seats, '{[5,8)}'::int4multirange, 'seats: a hole left by a cancellation is refilled');
INSERT INTO saved SELECT 't1', b.id FROM api.book_slot('talk', '2038-07-06 19:00Z', '{"name": "K", "email": "k@example.com"}') b;
SELECT is((pg_temp.bk('t1')).seats, '{[8,9)}'::int4multirange, 'seats: another service gets the last free seat');
SELECT is((SELECT sum(seat_count)::integer FROM booking.bookings
            WHERE resource_id = '00000000-0000-0000-0000-0000000000b3' AND status = 'confirmed'
              AND blocked && tstzrange('2038-07-06 19:00Z', '2038-07-06 20:00Z')), 10,
          'seats: exactly the capacity is sold at 19:00');
SELECT is((SELECT count(*)::integer FROM (
              SELECT s FROM booking.bookings b, unnest(b.seats) r, generate_series(lower(r), upper(r) - 1) s
               WHERE b.resource_id = '00000000-0000-0000-0000-0000000000b3' AND b.status = 'confirmed'
              GROUP BY s HAVING count(*) > 1) x), 0, 'seats: no seat is sold twice');

UPDATE booking.services SET max_seats_per_booking = 20 WHERE slug = 'talk';
SELECT throws_ok($$SELECT api.book_slot('talk', '2038-07-08 19:00Z', '{"name": "N", "email": "n@example.com"}', p_seats => 11)$$,
                 'RB422', 'seats: at most 10 seats fit in one booking here',
                 'seats: more seats than the resource holds is RB422, not a conflict');
SELECT lives_ok($$SELECT api.book_slot('talk', '2038-07-08 19:00Z', '{"name": "N", "email": "n@example.com"}', p_seats => 10)$$,
                'seats: the whole capacity in one booking');

-- a hold takes seats too
INSERT INTO saved SELECT 'hh', b.id FROM api.hold_slot('concert', '2038-07-07 18:00Z', p_seats => 4) b;
SELECT is((SELECT seats_left FROM api.available_slots('concert', '2038-07-07 18:00Z', '2038-07-07 19:00Z')), 6,
          'seats: a 4-seat hold leaves 6 seats');
SELECT lives_ok($$SELECT api.book_slot('concert', '2038-07-07 18:00Z', '{"name": "L", "email": "l@example.com"}', p_seats => 4)$$,
                'seats: 4 more seats fit next to the hold');
SELECT throws_ok($$SELECT api.book_slot('concert', '2038-07-07 18:00Z', '{"name": "M", "email": "m@example.com"}', p_seats => 3)$$,
                 'RB409', NULL, 'seats: 3 seats do not fit next to the hold');
SELECT is((SELECT seat_count FROM api.book_slot('concert', '2038-07-07 18:00Z', '{}', p_seats => 4, p_hold => pg_temp.bid('hh'),
              p_user => '00000000-0000-0000-0000-0000000000a2')), 4, 'seats: converting the hold keeps its 4 seats');

SELECT * FROM finish();
ROLLBACK;
