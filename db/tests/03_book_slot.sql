-- api.book_slot: success paths, resource choice, booking_json, idempotency (I5) and every error.
BEGIN;
SELECT plan(62);
\ir fixtures.psql

INSERT INTO booking.services (slug, name, duration_minutes, slot_step_minutes, max_advance_days, min_notice_minutes)
VALUES ('notice', 'Needs notice', 60, 15, 5000, 120);
INSERT INTO booking.services (slug, name, duration_minutes, slot_step_minutes, max_advance_days, fixed_window)
VALUES ('gala', 'Gala', 120, 60, 5000, '[2038-09-01 18:00Z, 2038-09-01 20:00Z)');
INSERT INTO booking.services (slug, name, duration_minutes, slot_step_minutes, max_advance_days, active)
VALUES ('retired', 'Retired', 60, 60, 5000, false);
INSERT INTO booking.service_resources
SELECT s.id, '00000000-0000-0000-0000-0000000000b1' FROM booking.services s WHERE s.slug IN ('notice', 'retired');
INSERT INTO booking.service_resources
SELECT s.id, '00000000-0000-0000-0000-0000000000b3' FROM booking.services s WHERE s.slug = 'gala';
INSERT INTO booking.closures (resource_id, during)
VALUES ('00000000-0000-0000-0000-0000000000b4', '[2038-06-17 00:00-04, 2038-06-18 00:00-04)');
UPDATE booking.users SET disabled_at = now() WHERE id = '00000000-0000-0000-0000-0000000000a4';

-- success: a member books a consultation -----------------------------------------------------
INSERT INTO saved SELECT 'm1', b.id FROM api.book_slot('consult', '2038-06-16 08:00Z', '{}',
    p_user => '00000000-0000-0000-0000-0000000000a2', p_notes => '  Bring slides  ', p_metadata => '{"source": "test"}') b;
SELECT is((pg_temp.bk('m1')).status::text, 'confirmed', 'book_slot: a service without confirmation books confirmed');
SELECT is((pg_temp.bk('m1')).ends_at, '2038-06-16 09:00Z'::timestamptz, 'book_slot: ends after the duration');
SELECT is((pg_temp.bk('m1')).resource_id, '00000000-0000-0000-0000-0000000000b1'::uuid, 'book_slot: the only resource is chosen');
SELECT is((pg_temp.bk('m1')).attendee_name, 'Max Member', 'book_slot: attendee name defaults to the user''s');
SELECT is((pg_temp.bk('m1')).attendee_email, 'member@test.example', 'book_slot: attendee email defaults to the user''s');
SELECT is((pg_temp.bk('m1')).notes, 'Bring slides', 'book_slot: notes are trimmed');
SELECT is((pg_temp.bk('m1')).price, 50.00::numeric, 'book_slot: price from the service');
SELECT is((pg_temp.bk('m1')).seats, '{[1,2)}'::int4multirange, 'book_slot: one seat');
SELECT matches((pg_temp.bk('m1')).reference, '^BK-[2-9A-HJ-NP-Z]{8}$', 'book_slot: a human reference');

SELECT is(api.booking_json(pg_temp.bk('m1')) - 'id' - 'reference' - 'created_at' - 'updated_at',
          '{"service": "consult", "service_name": "Consultation", "resource": "room-a", "resource_name": "Room A",
            "timezone": "Europe/Berlin", "location": "Berlin, floor 1", "starts_at": "2038-06-16T08:00:00+00:00", "ends_at": "2038-06-16T09:00:00+00:00",
            "seats": 1, "status": "confirmed", "price": "50.00", "currency": "EUR",
            "cancellable_until": "2038-06-16T08:00:00+00:00",
            "attendee": {"name": "Max Member", "email": "member@test.example", "phone": null},
            "attendee_timezone": "Europe/Berlin", "notes": "Bring slides", "metadata": {"source": "test"},
            "user_id": "00000000-0000-0000-0000-0000000000a2"}'::jsonb,
          'booking_json: the HTTP shape with private fields');
SELECT ok(NOT (api.booking_json(pg_temp.bk('m1'), false) ?| ARRAY['attendee', 'notes', 'metadata', 'user_id']),
          'booking_json: the public shape has no personal data');

-- success: a guest, named resource, resource choice -------------------------------------------
INSERT INTO saved SELECT 'g1', b.id FROM api.book_slot('duo', '2038-06-16 10:00Z',
    '{"name": " Gina Guest ", "email": "Gina@Example.COM", "phone": "+49 30 1"}',
    p_resource => '00000000-0000-0000-0000-0000000000b2', p_manage_token_hash => repeat('ab', 32)) b;
SELECT is(((pg_temp.bk('g1')).attendee_name, (pg_temp.bk('g1')).attendee_email::text, (pg_temp.bk('g1')).attendee_phone),
          ('Gina Guest'::text, 'gina@example.com'::text, '+49 30 1'::text), 'book_slot: a guest''s attendee fields, trimmed, email lower-cased');
SELECT is((pg_temp.bk('g1')).resource_id, '00000000-0000-0000-0000-0000000000b2'::uuid, 'book_slot: the named resource is used');
SELECT is((pg_temp.bk('g1')).manage_token_hash, repeat('ab', 32), 'book_slot: the guest''s manage token hash is stored');
SELECT ok((pg_temp.bk('g1')).user_id IS NULL, 'book_slot: a guest booking has no user');
INSERT INTO saved SELECT 'g2', b.id FROM api.book_slot('duo', '2038-06-16 10:00Z', '{"name": "Hal", "email": "hal@example.com"}') b;
SELECT is((pg_temp.bk('g2')).resource_id, '00000000-0000-0000-0000-0000000000b1'::uuid,
          'book_slot: with room-b taken the other resource is chosen');
SELECT throws_ok($$SELECT api.book_slot('duo', '2038-06-16 10:00Z', '{"name": "Ivy", "email": "ivy@example.com"}')$$,
                 'RB409', 'slot 2038-06-16 10:00:00+00 is no longer available', 'book_slot: RB409 when every resource is taken');
INSERT INTO saved SELECT 'g3', b.id FROM api.book_slot('duo', '2038-06-16 10:30Z', '{"name": "Jo", "email": "jo@example.com"}') b;
SELECT isnt((pg_temp.bk('g3')).resource_id, NULL, 'book_slot: back-to-back booking right after works');

-- RB409 carries alternatives
SELECT is(pg_temp.err($$SELECT api.book_slot('consult', '2038-06-16 08:00Z', '{"name": "Kim", "email": "kim@example.com"}')$$)
              #>> '{detail,alternatives,0,starts_at}',
          '2038-06-16T07:00:00+00:00', 'RB409 DETAIL lists the nearest free slot first');
SELECT is(jsonb_array_length(pg_temp.err($$SELECT api.book_slot('consult', '2038-06-16 08:00Z', '{"name": "Kim", "email": "kim@example.com"}')$$)
              #> '{detail,alternatives}'), 5, 'RB409 DETAIL lists 5 alternatives');
SELECT is(pg_temp.err($$SELECT api.book_slot('consult', '2038-06-16 08:30Z', '{"name": "Kim", "email": "kim@example.com"}')$$) ->> 'state',
          'RB409', 'book_slot: a slot overlapping a booking is refused');

-- fixed window
SELECT lives_ok($$SELECT api.book_slot('gala', '2038-09-01 18:00Z', '{"name": "Lea", "email": "lea@example.com"}')$$,
                'book_slot: a one-off event at its start');
SELECT throws_ok($$SELECT api.book_slot('gala', '2038-09-01 19:00Z', '{"name": "Lea", "email": "lea@example.com"}')$$,
                 'RB422', 'starts_at: this event starts at 2038-09-01 18:00:00+00', 'book_slot: RB422 off the event''s start');

-- opening hours of the New York office (Mon-Fri 09:00-17:00 local)
SELECT lives_ok($$SELECT api.book_slot('office', '2038-06-16 13:00Z', '{"name": "Mo", "email": "mo@example.com"}')$$,
                'book_slot: 09:00 EDT is the office''s first slot');
SELECT lives_ok($$SELECT api.book_slot('office', '2038-06-16 20:00Z', '{"name": "Mo", "email": "mo@example.com"}')$$,
                'book_slot: 16:00 EDT is its last slot');
SELECT throws_ok($$SELECT api.book_slot('office', '2038-06-16 21:00Z', '{"name": "Mo", "email": "mo@example.com"}')$$,
                 'RB422', 'starts_at: is outside the opening hours', 'book_slot: RB422 after hours');
SELECT throws_ok($$SELECT api.book_slot('office', '2038-06-19 15:00Z', '{"name": "Mo", "email": "mo@example.com"}')$$,
                 'RB422', 'starts_at: is outside the opening hours', 'book_slot: RB422 on a Saturday');
SELECT throws_ok($$SELECT api.book_slot('office', '2038-06-17 14:00Z', '{"name": "Mo", "email": "mo@example.com"}')$$,
                 'RB422', 'starts_at: falls in a closure of the resource', 'book_slot: RB422 in a closure');
SELECT is(pg_temp.err($$SELECT api.book_slot('office', '2038-06-16 13:30Z', '{"name": "Mo", "email": "mo@example.com"}')$$)
              #> '{detail,errors}' ? 'starts_at', true, 'book_slot: RB422 between two slot starts names starts_at');

-- validation errors (RB422 naming the field) ----------------------------------------------------
SELECT throws_ok($$SELECT api.book_slot('consult', NULL, '{"name": "N", "email": "n@example.com"}')$$,
                 'RB422', 'starts_at: is required', 'book_slot: RB422 without a start');
SELECT throws_ok($$SELECT api.book_slot('consult', '2038-06-16 12:10Z', '{"name": "N", "email": "n@example.com"}')$$,
                 'RB422', 'starts_at: must lie on the 15-minute grid (:00, :15, :30 or :45)', 'book_slot: RB422 off the grid');
SELECT is(pg_temp.err($$SELECT api.book_slot('consult', '2038-06-16 12:10Z', '{"name": "N", "email": "n@example.com"}')$$) -> 'detail',
          '{"errors": {"starts_at": "must lie on the 15-minute grid (:00, :15, :30 or :45)"}}'::jsonb,
          'RB422 DETAIL is {"errors": {field: message}}');
SELECT throws_ok($$SELECT api.book_slot('consult', '2020-01-06 10:00Z', '{"name": "N", "email": "n@example.com"}')$$,
                 'RB422', 'starts_at: is in the past', 'book_slot: RB422 in the past');
SELECT throws_ok($$SELECT api.book_slot('notice', date_bin('15 minutes', now() + interval '45 minutes', 'epoch'),
                                        '{"name": "N", "email": "n@example.com"}')$$,
                 'RB422', 'starts_at: is too soon: book at least 120 minutes ahead', 'book_slot: RB422 inside the minimum notice');
SELECT throws_ok($$SELECT api.book_slot('consult', '2045-01-09 10:00Z', '{"name": "N", "email": "n@example.com"}')$$,
                 'RB422', 'starts_at: is too far ahead: book at most 5000 days ahead', 'book_slot: RB422 beyond the maximum advance');
SELECT throws_ok($$SELECT api.book_slot('consult', '2038-06-16 12:00Z', '{"name": "N", "email": "n@example.com"}', p_seats => 0)$$,
                 'RB422', 'seats: must be at least 1', 'book_slot: RB422 for 0 seats');
SELECT throws_ok($$SELECT api.book_slot('consult', '2038-06-16 12:00Z', '{"name": "N", "email": "n@example.com"}', p_seats => 2)$$,
                 'RB422', 'seats: at most 1 seats per booking for this service', 'book_slot: RB422 above seats per booking');
SELECT throws_ok($$SELECT api.book_slot('consult', '2038-06-16 12:00Z', '"Nina"')$$,
                 'RB422', 'attendee: must be an object with name, email and phone', 'book_slot: RB422 for a non-object attendee');
SELECT throws_ok($$SELECT api.book_slot('consult', '2038-06-16 12:00Z', '{"name": "N", "email": "n@example.com"}', p_metadata => '[]')$$,
                 'RB422', 'metadata: must be a JSON object', 'book_slot: RB422 for non-object metadata');
SELECT throws_ok($$SELECT api.book_slot('consult', '2038-06-16 12:00Z', '{"email": "n@example.com"}')$$,
                 'RB422', 'attendee.name: is required', 'book_slot: RB422 for a guest without a name');
SELECT throws_ok($$SELECT api.book_slot('consult', '2038-06-16 12:00Z', jsonb_build_object('name', repeat('n', 201), 'email', 'n@example.com'))$$,
                 'RB422', 'attendee.name: is longer than 200 characters', 'book_slot: RB422 for a long name');
SELECT throws_ok($$SELECT api.book_slot('consult', '2038-06-16 12:00Z', '{"name": "N"}')$$,
                 'RB422', 'attendee.email: is required', 'book_slot: RB422 for a guest without an email');
SELECT throws_ok($$SELECT api.book_slot('consult', '2038-06-16 12:00Z', '{"name": "N", "email": "n<b>@example.com"}')$$,
                 'RB422', 'attendee.email: is not an email address', 'book_slot: RB422 for a bad email');
SELECT throws_ok($$SELECT api.book_slot('consult', '2038-06-16 12:00Z', '{"name": "N", "email": "n@example.com"}', p_notes => repeat('x', 2001))$$,
                 'RB422', 'notes: is longer than 2000 characters', 'book_slot: RB422 for long notes');
SELECT throws_ok($$SELECT api.book_slot('consult', '2038-06-16 12:00Z', '{"name": "N", "email": "n@example.com"}', p_idempotency_key => '')$$,
                 'RB422', 'idempotency_key: must be 1 to 200 characters', 'book_slot: RB422 for an empty idempotency key');

-- not found / not allowed ---------------------------------------------------------------------
SELECT throws_ok($$SELECT api.book_slot('no-such-service', '2038-06-16 12:00Z', '{"name": "N", "email": "n@example.com"}')$$,
                 'RB404', 'service not found', 'book_slot: RB404 for an unknown service');
SELECT throws_ok($$SELECT api.book_slot('retired', '2038-06-16 12:00Z', '{"name": "N", "email": "n@example.com"}')$$,
                 'RB404', 'service not found', 'book_slot: RB404 for an inactive service');
SELECT lives_ok($$SELECT api.book_slot('00000000-0000-0000-0000-0000000000c1', '2038-06-16 14:00Z', '{"name": "N", "email": "n@example.com"}')$$,
                'book_slot: a service may be named by its id');
SELECT throws_ok($$SELECT api.book_slot('consult', '2038-06-16 12:00Z', '{}', p_user => gen_random_uuid())$$,
                 'RB404', 'user not found', 'book_slot: RB404 for an unknown user');
SELECT throws_ok($$SELECT api.book_slot('consult', '2038-06-16 12:00Z', '{}', p_user => '00000000-0000-0000-0000-0000000000a4')$$,
                 'RB404', 'user not found', 'book_slot: RB404 for a disabled user');
SELECT throws_ok($$SELECT api.book_slot('consult', '2038-06-16 12:00Z', '{"name": "N", "email": "n@example.com"}',
                                        p_resource => '00000000-0000-0000-0000-0000000000b2')$$,
                 'RB404', 'resource not found', 'book_slot: RB404 for a resource the service does not use');
SELECT throws_ok($$SELECT api.book_slot('members', '2038-06-16 12:00Z', '{"name": "N", "email": "n@example.com"}')$$,
                 'RB403', 'sign in to book this service', 'book_slot: RB403 for a guest on a members-only service');
SELECT lives_ok($$SELECT api.book_slot('members', '2038-06-16 12:00Z', '{}', p_user => '00000000-0000-0000-0000-0000000000a2')$$,
                'book_slot: a member books the members-only service');

UPDATE booking.services SET visibility = 'unlisted' WHERE slug = 'duo';
SELECT lives_ok($$SELECT api.book_slot('duo', '2038-06-16 12:00Z', '{"name": "N", "email": "n@example.com"}')$$,
                'book_slot: a guest books an unlisted service by its link');
SELECT lives_ok($$SELECT api.hold_slot('duo', '2038-06-16 13:00Z')$$, 'hold_slot: a guest holds a slot of an unlisted service');
UPDATE booking.services SET visibility = 'public' WHERE slug = 'duo';

-- idempotency (I5) ------------------------------------------------------------------------------
INSERT INTO saved SELECT 'i1', b.id FROM api.book_slot('consult', '2038-06-18 08:00Z', '{}',
    p_user => '00000000-0000-0000-0000-0000000000a2', p_idempotency_key => 'key-1') b;
SELECT is((SELECT id FROM api.book_slot('consult', '2038-06-18 08:00Z', '{}',
    p_user => '00000000-0000-0000-0000-0000000000a2', p_idempotency_key => 'key-1')), pg_temp.bid('i1'),
    'idempotency: a replay returns the original booking');
SELECT is((SELECT count(*)::integer FROM booking.bookings WHERE idempotency_key = 'key-1'), 1,
          'idempotency: the replay inserted nothing');
SELECT is((SELECT count(*)::integer FROM booking.booking_audit WHERE booking_id = pg_temp.bid('i1')), 1,
          'idempotency: the replay wrote no audit row');
SELECT throws_ok($$SELECT api.book_slot('consult', '2038-06-18 09:00Z', '{}',
                   p_user => '00000000-0000-0000-0000-0000000000a2', p_idempotency_key => 'key-1')$$,
                 'RB422', 'idempotency_key: was already used for a different request',
                 'idempotency: the same key for a different request is RB422');
SELECT lives_ok($$SELECT api.book_slot('consult', '2038-06-18 09:00Z', '{}',
                  p_user => '00000000-0000-0000-0000-0000000000a3', p_idempotency_key => 'key-1')$$,
                'idempotency: keys are per user');
INSERT INTO saved SELECT 'i2', b.id FROM api.book_slot('consult', '2038-06-18 11:00Z', '{"name": "Gus", "email": "gus@example.com"}',
    p_idempotency_key => 'key-1') b;
SELECT is((SELECT id FROM api.book_slot('consult', '2038-06-18 11:00Z', '{"name": "Gus", "email": "gus@example.com"}',
    p_idempotency_key => 'key-1')), pg_temp.bid('i2'), 'idempotency: a guest replay (keyed by email) returns the original');
SELECT throws_ok($$INSERT INTO booking.bookings (service_id, resource_id, status, starts_at, ends_at, idempotency_owner, idempotency_key)
                   VALUES ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000b1', 'cancelled',
                           '2038-06-18 12:00Z', '2038-06-18 13:00Z', 'gus@example.com', 'key-1')$$,
                 '23505', NULL, 'idempotency: the unique index refuses a second row with the same owner and key');

SELECT * FROM finish();
ROLLBACK;
