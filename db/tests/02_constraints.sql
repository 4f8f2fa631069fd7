-- Every CHECK of the schema, the capacity trigger and the exclusion constraint (I1, I2),
-- exercised by plain INSERT/UPDATE statements the way a DBA in psql would write them.
BEGIN;
SELECT plan(74);
\ir fixtures.psql

-- A direct insert of a booking into room-a (b1) or the hall (b3).
CREATE FUNCTION pg_temp.ins(p_resource text, p_from text, p_to text, p_status text DEFAULT 'confirmed',
                            p_seats text DEFAULT '{[1,2)}', p_extra text DEFAULT '') RETURNS text
    LANGUAGE sql AS $$
    SELECT format($f$INSERT INTO booking.bookings (service_id, resource_id, status, starts_at, ends_at, seats, hold_expires_at%s)
                     VALUES ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000%s', %L, %L, %L, %L, %s%s)$f$,
                  CASE WHEN p_extra <> '' THEN ', ' || split_part(p_extra, '=', 1) END,
                  p_resource, p_status, p_from, p_to, p_seats,
                  CASE WHEN p_status = 'held' THEN 'now() + interval ''10 minutes''' ELSE 'NULL' END,
                  CASE WHEN p_extra <> '' THEN ', ' || split_part(p_extra, '=', 2) END)
$$;

-- users ---------------------------------------------------------------------------------
SELECT is(pg_temp.violation($$INSERT INTO booking.users (email, name) VALUES ('not-an-email', 'X')$$),
          '23514 email_address_check', 'users: email must look like an address (domain booking.email_address)');
SELECT is(pg_temp.violation($$INSERT INTO booking.users (email, name) VALUES ('x@y.example', '')$$),
          '23514 users_name_check', 'users: name must not be empty');
SELECT is(pg_temp.violation($$INSERT INTO booking.users (email, name) VALUES ('ADMIN@test.example', 'Twin')$$),
          '23505 users_email_key', 'users: email is unique regardless of case');

-- resources -----------------------------------------------------------------------------
SELECT is(pg_temp.violation($$INSERT INTO booking.resources (slug, name, timezone) VALUES ('Bad Slug', 'X', 'UTC')$$),
          '23514 resources_slug_check', 'resources: slug is lower-case letters, digits and dashes');
SELECT is(pg_temp.violation($$INSERT INTO booking.resources (slug, name, timezone) VALUES ('room-a', 'X', 'UTC')$$),
          '23505 resources_slug_key', 'resources: slug is unique');
SELECT is(pg_temp.violation($$INSERT INTO booking.resources (slug, name, kind, timezone) VALUES ('x1', 'X', 'boat', 'UTC')$$),
          '23514 resources_kind_check', 'resources: kind is one of the known kinds');
SELECT is(pg_temp.violation($$INSERT INTO booking.resources (slug, name, capacity, timezone) VALUES ('x2', 'X', 0, 'UTC')$$),
          '23514 resources_capacity_check', 'resources: capacity at least 1');
SELECT is(pg_temp.violation($$INSERT INTO booking.resources (slug, name, capacity, timezone) VALUES ('x3', 'X', 100001, 'UTC')$$),
          '23514 resources_capacity_check', 'resources: capacity at most 100000');
SELECT is(pg_temp.violation($$INSERT INTO booking.resources (slug, name, timezone) VALUES ('x4', 'X', 'Mars/Olympus')$$),
          '23514 resources_timezone_check', 'resources: time zone must be a known IANA zone');
SELECT is(pg_temp.violation($$INSERT INTO booking.resources (slug, name, timezone) VALUES ('x5', 'X', 'Asia/Kathmandu')$$),
          'no error', 'resources: any IANA zone is accepted');

-- availability rules and closures ---------------------------------------------------------
SELECT is(pg_temp.violation($$INSERT INTO booking.availability_rules (resource_id, weekday, start_time, end_time)
                              VALUES ('00000000-0000-0000-0000-0000000000b1', 8, '09:00', '10:00')$$),
          '23514 availability_rules_weekday_check', 'rules: weekday is ISO 1..7');
SELECT is(pg_temp.violation($$INSERT INTO booking.availability_rules (resource_id, weekday, start_time, end_time)
                              VALUES ('00000000-0000-0000-0000-0000000000b1', 1, '10:00', '10:00')$$),
          '23514 availability_rules_times_check', 'rules: end after start');
SELECT is(pg_temp.violation($$INSERT INTO booking.availability_rules (resource_id, weekday, start_time, end_time)
                              VALUES ('00000000-0000-0000-0000-0000000000b1', 1, '09:10', '10:00')$$),
          '23514 availability_rules_grid_check', 'rules: start on the 15-minute grid');
SELECT is(pg_temp.violation($$INSERT INTO booking.availability_rules (resource_id, weekday, start_time, end_time)
                              VALUES ('00000000-0000-0000-0000-0000000000b1', 1, '09:00', '17:05')$$),
          '23514 availability_rules_grid_check', 'rules: end on the 15-minute grid');
SELECT is(pg_temp.violation($$INSERT INTO booking.availability_rules (resource_id, weekday, start_time, end_time, valid_from, valid_until)
                              VALUES ('00000000-0000-0000-0000-0000000000b1', 1, '09:00', '10:00', '2038-02-01', '2038-01-01')$$),
          '23514 availability_rules_validity_check', 'rules: valid_until not before valid_from');
SELECT is(pg_temp.violation($$INSERT INTO booking.closures (resource_id, during)
                              VALUES ('00000000-0000-0000-0000-0000000000b1', '[2038-01-01,)')$$),
          '23514 closures_during_check', 'closures: bounded');
SELECT is(pg_temp.violation($$INSERT INTO booking.closures (resource_id, during)
                              VALUES ('00000000-0000-0000-0000-0000000000b1', 'empty')$$),
          '23514 closures_during_check', 'closures: not empty');

-- services --------------------------------------------------------------------------------
CREATE FUNCTION pg_temp.svc(p_cols text, p_vals text) RETURNS text LANGUAGE sql AS $$
    SELECT format('INSERT INTO booking.services (slug, name, duration_minutes, slot_step_minutes%s) VALUES (''s-x'', ''S'', 60, 30%s)',
                  ', ' || p_cols, ', ' || p_vals)
$$;
SELECT is(pg_temp.violation($$INSERT INTO booking.services (slug, name, duration_minutes, slot_step_minutes) VALUES ('S X', 'S', 60, 30)$$),
          '23514 services_slug_check', 'services: slug format');
SELECT is(pg_temp.violation($$INSERT INTO booking.services (slug, name, duration_minutes, slot_step_minutes) VALUES ('consult', 'S', 60, 30)$$),
          '23505 services_slug_key', 'services: slug is unique');
SELECT is(pg_temp.violation($$INSERT INTO booking.services (slug, name, duration_minutes, slot_step_minutes) VALUES ('s-x', 'S', 50, 30)$$),
          '23514 services_duration_check', 'services: duration a multiple of 15');
SELECT is(pg_temp.violation($$INSERT INTO booking.services (slug, name, duration_minutes, slot_step_minutes) VALUES ('s-x', 'S', 495, 15)$$),
          '23514 services_duration_check', 'services: duration at most 8 hours');
SELECT is(pg_temp.violation($$INSERT INTO booking.services (slug, name, duration_minutes, slot_step_minutes) VALUES ('s-x', 'S', 0, 15)$$),
          '23514 services_duration_check', 'services: duration positive');
SELECT is(pg_temp.violation($$INSERT INTO booking.services (slug, name, duration_minutes, slot_step_minutes) VALUES ('s-x', 'S', 60, 20)$$),
          '23514 services_slot_step_check', 'services: slot step a multiple of 15');
SELECT is(pg_temp.violation(pg_temp.svc('buffer_before_minutes', '10')),
          '23514 services_buffers_check', 'services: buffer before a multiple of 15');
SELECT is(pg_temp.violation(pg_temp.svc('buffer_after_minutes', '-15')),
          '23514 services_buffers_check', 'services: buffer after not negative');
SELECT is(pg_temp.violation(pg_temp.svc('min_notice_minutes', '-1')),
          '23514 services_notice_check', 'services: minimum notice not negative');
SELECT is(pg_temp.violation(pg_temp.svc('max_advance_days', '0')),
          '23514 services_notice_check', 'services: maximum advance positive');
SELECT is(pg_temp.violation(pg_temp.svc('cancellation_cutoff_minutes', '-5')),
          '23514 services_notice_check', 'services: cancellation cutoff not negative');
SELECT is(pg_temp.violation(pg_temp.svc('price', '-1')),
          '23514 services_price_check', 'services: price not negative');
SELECT is(pg_temp.violation(pg_temp.svc('currency', '''eur''')),
          '23514 services_price_check', 'services: currency is an ISO code in capitals');
SELECT is(pg_temp.violation(pg_temp.svc('max_seats_per_booking', '0')),
          '23514 services_seats_check', 'services: at least 1 seat per booking');
SELECT is(pg_temp.violation(pg_temp.svc('fixed_window', '''[2038-05-01 18:00Z, 2038-05-01 20:00Z)''')),
          '23514 services_fixed_window_check', 'services: fixed window lasts the duration');
SELECT is(pg_temp.violation(pg_temp.svc('fixed_window', '''[2038-05-01 18:05Z, 2038-05-01 19:05Z)''')),
          '23514 services_fixed_window_check', 'services: fixed window on the grid');
SELECT is(pg_temp.violation(pg_temp.svc('fixed_window', '''[2038-05-01 18:00Z, 2038-05-01 19:00Z)''')),
          'no error', 'services: a fixed window of the duration on the grid is fine');

-- bookings: grid and length (I2) -----------------------------------------------------------
SELECT is(pg_temp.violation(pg_temp.ins('b1', '2038-05-03 10:00Z', '2038-05-03 10:00Z')),
          '23514 bookings_range_check', 'bookings: end after start');
SELECT is(pg_temp.violation(pg_temp.ins('b1', '2038-05-03 10:05Z', '2038-05-03 11:00Z')),
          '23514 bookings_grid_check', 'bookings: start on the 15-minute grid');
SELECT is(pg_temp.violation(pg_temp.ins('b1', '2038-05-03 10:00Z', '2038-05-03 11:00:30Z')),
          '23514 bookings_grid_check', 'bookings: end on the 15-minute grid (seconds count)');
SELECT is(pg_temp.violation(pg_temp.ins('b1', '2038-05-03 10:00Z', '2038-05-03 18:15Z')),
          '23514 bookings_max_length_check', 'bookings: at most 8 hours');
SELECT is(pg_temp.violation(pg_temp.ins('b1', '2038-05-03 23:00Z', '2038-05-04 07:00Z')),
          'no error', 'bookings: exactly 8 hours across midnight is fine');
SELECT is(pg_temp.violation(pg_temp.ins('b1', '2038-05-05 10:00Z', '2038-05-05 11:00Z', 'confirmed', '{[1,2)}',
                                       'buffer_before_minutes=7')),
          '23514 bookings_buffers_check', 'bookings: buffers on the 15-minute grid');
SELECT is(pg_temp.violation(pg_temp.ins('b1', '2038-05-05 10:00Z', '2038-05-05 11:00Z', 'confirmed', '{[1,2)}',
                                       'metadata=''[1]''')),
          '23514 bookings_metadata_check', 'bookings: metadata is a JSON object');
SELECT is(pg_temp.violation(pg_temp.ins('b1', '2038-05-05 10:00Z', '2038-05-05 11:00Z', 'confirmed', '{[1,2)}',
                                       'idempotency_key=''k''')),
          '23514 bookings_idempotency_check', 'bookings: an idempotency key needs an owner');
SELECT is(pg_temp.violation($$INSERT INTO booking.bookings (service_id, resource_id, status, starts_at, ends_at)
                              VALUES ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000b1',
                                      'held', '2038-05-05 10:00Z', '2038-05-05 11:00Z')$$),
          '23514 bookings_hold_check', 'bookings: a hold needs an expiry');
SELECT is(pg_temp.violation(pg_temp.ins('b3', '2038-05-05 10:00Z', '2038-05-05 11:00Z', 'confirmed', '{[0,2)}')),
          '23514 bookings_seats_check', 'bookings: seat numbers start at 1');
SELECT is(pg_temp.violation(pg_temp.ins('b3', '2038-05-05 10:00Z', '2038-05-05 11:00Z', 'confirmed', '{}')),
          '23514 bookings_seats_check', 'bookings: at least one seat');

-- outbox and login attempts
SELECT is(pg_temp.violation($$INSERT INTO booking.notification_log (booking_id, kind, recipient, payload, message_id)
                              SELECT id, 'sms_reminder', 'x@example.com', '{}', '<x@booker>' FROM booking.bookings LIMIT 1$$),
          '23514 notification_log_kind_check', 'notification_log: kind is one of the known emails');
SELECT is(pg_temp.violation($$INSERT INTO booking.notification_log (booking_id, kind, recipient, payload, message_id)
                              SELECT b.id, 'customer_confirmed', 'x@example.com', '{}', n.message_id
                                FROM booking.bookings b, booking.notification_log n LIMIT 1$$),
          '23505 notification_log_message_id_key', 'notification_log: message ids are unique');
SELECT is(pg_temp.violation($$INSERT INTO booking.rate_limits (bucket, key, hits, window_end) VALUES ('login', 'x', -1, now() + interval '1 minute')$$),
          '23514 rate_limits_hits_check', 'rate_limits: hits not negative');

-- the capacity trigger ----------------------------------------------------------------------
SELECT is(pg_temp.violation(pg_temp.ins('b1', '2038-05-06 10:00Z', '2038-05-06 11:00Z', 'confirmed', '{[2,3)}')),
          '23514 bookings_seats_capacity_check', 'capacity trigger: seat 2 of a 1-seat room is refused');
SELECT is(pg_temp.violation(pg_temp.ins('b3', '2038-05-06 10:00Z', '2038-05-06 11:00Z', 'confirmed', '{[8,12)}')),
          '23514 bookings_seats_capacity_check', 'capacity trigger: seats 8-11 of a 10-seat hall are refused');
SELECT is(pg_temp.violation(pg_temp.ins('b3', '2038-05-06 10:00Z', '2038-05-06 11:00Z', 'confirmed', '{[1,4),[9,11)}')),
          'no error', 'capacity trigger: seats 1-3 and 9-10 of the hall are fine');
SELECT is(pg_temp.violation($$UPDATE booking.bookings SET seats = '{[10,12)}'
                              WHERE resource_id = '00000000-0000-0000-0000-0000000000b3' AND starts_at = '2038-05-06 10:00Z'$$),
          '23514 bookings_seats_capacity_check', 'capacity trigger: an UPDATE past the capacity is refused');
SELECT is(pg_temp.violation($$UPDATE booking.bookings SET resource_id = '00000000-0000-0000-0000-0000000000b1'
                              WHERE resource_id = '00000000-0000-0000-0000-0000000000b3' AND starts_at = '2038-05-06 10:00Z'$$),
          '23514 bookings_seats_capacity_check', 'capacity trigger: moving 5 seats to a 1-seat room is refused');

-- derived columns ---------------------------------------------------------------------------
SELECT lives_ok(pg_temp.ins('b1', '2038-05-07 10:00Z', '2038-05-07 11:00Z', 'confirmed', '{[1,2)}',
                            'buffer_after_minutes=30'), 'a DBA inserts a booking with a 30-minute buffer');
SELECT is((SELECT blocked FROM booking.bookings WHERE resource_id = '00000000-0000-0000-0000-0000000000b1'
                                                  AND starts_at = '2038-05-07 10:00Z'),
          tstzrange('2038-05-07 10:00Z', '2038-05-07 11:30Z'), 'blocked range is derived from times and buffers');
SELECT matches((SELECT reference FROM booking.bookings WHERE starts_at = '2038-05-07 10:00Z'),
               '^BK-[2-9A-HJ-NP-Z]{8}$', 'a reference is generated');
UPDATE booking.bookings SET blocked = '[2038-05-07 10:00Z, 2038-05-07 10:15Z)' WHERE starts_at = '2038-05-07 10:00Z';
SELECT is((SELECT blocked FROM booking.bookings WHERE starts_at = '2038-05-07 10:00Z'),
          tstzrange('2038-05-07 10:00Z', '2038-05-07 11:30Z'), 'a writer cannot shrink the blocked range');
UPDATE booking.bookings SET notes = 'x' WHERE starts_at = '2038-05-07 10:00Z';
SELECT is((SELECT version FROM booking.bookings WHERE starts_at = '2038-05-07 10:00Z'), 1,
          'editing notes does not bump the version');
UPDATE booking.bookings SET starts_at = '2038-05-07 09:00Z', ends_at = '2038-05-07 10:00Z'
 WHERE starts_at = '2038-05-07 10:00Z';
SELECT is((SELECT version FROM booking.bookings WHERE starts_at = '2038-05-07 09:00Z'), 2,
          'moving a booking bumps the version');

-- the exclusion constraint (I1) ---------------------------------------------------------------
SELECT lives_ok(pg_temp.ins('b1', '2038-05-10 10:00Z', '2038-05-10 11:00Z'), 'a DBA books room-a 10:00-11:00');
SELECT throws_ok(pg_temp.ins('b1', '2038-05-10 10:30Z', '2038-05-10 11:30Z'), '23P01', NULL,
                 'a DBA INSERT overlapping it fails with 23P01');
SELECT throws_ok(pg_temp.ins('b1', '2038-05-10 09:00Z', '2038-05-10 12:00Z', 'held'), '23P01', NULL,
                 'a hold covering it fails with 23P01');
SELECT throws_ok(pg_temp.ins('b1', '2038-05-10 10:00Z', '2038-05-10 11:00Z', 'pending'), '23P01', NULL,
                 'a pending booking on the same slot fails with 23P01');
SELECT lives_ok(pg_temp.ins('b1', '2038-05-10 11:00Z', '2038-05-10 12:00Z'),
                'back to back without buffers is fine (half-open ranges)');
SELECT lives_ok(pg_temp.ins('b1', '2038-05-10 10:00Z', '2038-05-10 11:00Z', 'cancelled'),
                'a cancelled booking does not block');
SELECT lives_ok(pg_temp.ins('b1', '2038-05-10 10:00Z', '2038-05-10 11:00Z', 'declined'),
                'a declined booking does not block');
SELECT lives_ok(pg_temp.ins('b1', '2038-05-10 10:00Z', '2038-05-10 11:00Z', 'expired'),
                'an expired hold does not block');
SELECT throws_ok($$UPDATE booking.bookings SET status = 'confirmed'
                   WHERE resource_id = '00000000-0000-0000-0000-0000000000b1'
                     AND starts_at = '2038-05-10 10:00Z' AND status = 'cancelled'$$, '23P01', NULL,
                 'a DBA UPDATE reviving a cancelled booking into a taken slot fails with 23P01');
SELECT throws_ok($$UPDATE booking.bookings SET starts_at = '2038-05-10 10:45Z', ends_at = '2038-05-10 11:45Z'
                   WHERE resource_id = '00000000-0000-0000-0000-0000000000b1'
                     AND starts_at = '2038-05-10 11:00Z'$$, '23P01', NULL,
                 'a DBA UPDATE moving a booking onto another fails with 23P01');
SELECT throws_ok($$UPDATE booking.bookings SET buffer_before_minutes = 15
                   WHERE resource_id = '00000000-0000-0000-0000-0000000000b1'
                     AND starts_at = '2038-05-10 11:00Z'$$, '23P01', NULL,
                 'a DBA UPDATE adding a buffer that reaches the previous booking fails with 23P01');
SELECT throws_ok($$UPDATE booking.bookings SET resource_id = '00000000-0000-0000-0000-0000000000b1'
                   WHERE resource_id = '00000000-0000-0000-0000-0000000000b3' AND starts_at = '2038-05-06 10:00Z'$$,
                 '23514', NULL, 'the capacity trigger runs before the constraint');

-- seats: the same constraint guards multi-seat resources
SELECT lives_ok(pg_temp.ins('b3', '2038-05-11 10:00Z', '2038-05-11 12:00Z', 'confirmed', '{[1,6)}'),
                'seats 1-5 of the hall');
SELECT lives_ok(pg_temp.ins('b3', '2038-05-11 11:00Z', '2038-05-11 13:00Z', 'confirmed', '{[6,11)}'),
                'seats 6-10 of the hall at an overlapping time');
SELECT throws_ok(pg_temp.ins('b3', '2038-05-11 11:00Z', '2038-05-11 12:00Z', 'confirmed', '{[5,6)}'), '23P01', NULL,
                 'seat 5 twice at one instant fails with 23P01 (no oversell)');

SELECT * FROM finish();
ROLLBACK;
