-- Managing bookings: pending -> confirmed/declined, cancellation (cutoff, p_force),
-- rescheduling, with each function's errors.
BEGIN;
SELECT plan(55);
\ir fixtures.psql

INSERT INTO booking.services (id, slug, name, duration_minutes, slot_step_minutes, max_advance_days, requires_confirmation)
VALUES ('00000000-0000-0000-0000-0000000000c9', 'approval-a', 'Approval in room A', 60, 60, 5000, true);
INSERT INTO booking.service_resources VALUES ('00000000-0000-0000-0000-0000000000c9', '00000000-0000-0000-0000-0000000000b1');

-- pending -> confirmed / declined ------------------------------------------------------------------
INSERT INTO saved SELECT 'p1', b.id FROM api.book_slot('approval', '2038-09-06 08:00Z', '{}', p_user => '00000000-0000-0000-0000-0000000000a2') b;
INSERT INTO saved SELECT 'p2', b.id FROM api.book_slot('approval', '2038-09-06 10:00Z', '{"name": "G", "email": "g@example.com"}') b;
INSERT INTO saved SELECT 'p3', b.id FROM api.book_slot('approval-a', '2038-09-06 10:00Z', '{"name": "H", "email": "h@example.com"}') b;
SELECT is((pg_temp.bk('p1')).status::text, 'pending', 'book_slot: pending when the service needs confirmation');
SELECT throws_ok($$SELECT api.book_slot('approval', '2038-09-06 08:00Z', '{"name": "X", "email": "x@example.com"}')$$,
                 'RB409', NULL, 'a pending booking blocks its slot');
SELECT throws_ok($$SELECT api.confirm_booking(pg_temp.bid('p1'), '00000000-0000-0000-0000-0000000000a2')$$,
                 'RB403', 'only the provider or an admin may decide', 'confirm_booking: RB403 for the customer');
SELECT throws_ok($$SELECT api.confirm_booking(pg_temp.bid('p1'), '00000000-0000-0000-0000-0000000000a4')$$,
                 'RB404', 'booking not found', 'confirm_booking: RB404 for a stranger');
SELECT throws_ok($$SELECT api.confirm_booking(gen_random_uuid(), '00000000-0000-0000-0000-0000000000a1')$$,
                 'RB404', 'booking not found', 'confirm_booking: RB404 for an unknown booking');
SELECT throws_ok($$SELECT api.confirm_booking(pg_temp.bid('p3'), '00000000-0000-0000-0000-0000000000a4')$$,
                 'RB404', 'booking not found', 'confirm_booking: RB404 for a member who owns another resource''s nothing');
SELECT is((SELECT status::text FROM api.confirm_booking(pg_temp.bid('p1'), '00000000-0000-0000-0000-0000000000a1')), 'confirmed',
          'confirm_booking: an admin confirms');
SELECT is((SELECT version FROM api.confirm_booking(pg_temp.bid('p1'), '00000000-0000-0000-0000-0000000000a1')), 2,
          'confirm_booking: confirming again changes nothing');
SELECT is((SELECT array_agg(action ORDER BY id) FROM booking.booking_audit WHERE booking_id = pg_temp.bid('p1')),
          ARRAY['created', 'approved'], 'confirm_booking: audit shows created, approved');
SELECT is((SELECT actor FROM booking.booking_audit WHERE booking_id = pg_temp.bid('p1') AND action = 'approved'),
          '00000000-0000-0000-0000-0000000000a1'::uuid, 'confirm_booking: audit names the admin');
SELECT throws_ok($$SELECT api.decline_booking(pg_temp.bid('p1'), '00000000-0000-0000-0000-0000000000a1')$$,
                 'RB409', 'booking is confirmed, not pending', 'decline_booking: RB409 for a confirmed booking');
SELECT is((SELECT status::text FROM api.confirm_booking(pg_temp.bid('p3'), '00000000-0000-0000-0000-0000000000a3')), 'confirmed',
          'confirm_booking: the resource owner confirms');
SELECT throws_ok($$SELECT api.decline_booking(pg_temp.bid('p2'), '00000000-0000-0000-0000-0000000000a3')$$,
                 'RB404', 'booking not found', 'decline_booking: RB404 for the owner of another resource');
SELECT is((SELECT (status::text, status_reason) FROM api.decline_booking(pg_temp.bid('p2'), NULL, '  Fully booked  ')),
          ('declined'::text, 'Fully booked'::text), 'decline_booking: the trusted system declines with a reason');
SELECT is((SELECT status::text FROM api.decline_booking(pg_temp.bid('p2'), NULL)), 'declined',
          'decline_booking: declining again changes nothing');
SELECT throws_ok($$SELECT api.confirm_booking(pg_temp.bid('p2'), '00000000-0000-0000-0000-0000000000a1')$$,
                 'RB409', 'booking is declined, not pending', 'confirm_booking: RB409 for a declined booking');
SELECT lives_ok($$SELECT api.book_slot('approval', '2038-09-06 10:00Z', '{"name": "I", "email": "i@example.com"}')$$,
                'a declined booking frees its slot');

-- cancel_booking -------------------------------------------------------------------------------
INSERT INTO saved SELECT 'c1', b.id FROM api.book_slot('consult', '2038-09-07 08:00Z', '{}', p_user => '00000000-0000-0000-0000-0000000000a2') b;
INSERT INTO saved SELECT 'c2', b.id FROM api.book_slot('consult', '2038-09-07 10:00Z', '{"name": "J", "email": "j@example.com"}') b;
SELECT throws_ok($$SELECT api.cancel_booking(pg_temp.bid('c1'), '00000000-0000-0000-0000-0000000000a4')$$,
                 'RB404', 'booking not found', 'cancel_booking: RB404 for a stranger');
SELECT throws_ok($$SELECT api.cancel_booking(gen_random_uuid(), NULL)$$,
                 'RB404', 'booking not found', 'cancel_booking: RB404 for an unknown booking');
SELECT is((SELECT (status::text, status_reason) FROM api.cancel_booking(pg_temp.bid('c1'), '00000000-0000-0000-0000-0000000000a2', ' Ill ')),
          ('cancelled'::text, 'Ill'::text), 'cancel_booking: the customer cancels with a reason');
SELECT is((SELECT version FROM api.cancel_booking(pg_temp.bid('c1'), '00000000-0000-0000-0000-0000000000a2')), 2,
          'cancel_booking: cancelling again is idempotent');
SELECT is((SELECT count(*)::integer FROM booking.booking_audit WHERE booking_id = pg_temp.bid('c1')), 2,
          'cancel_booking: the repeat wrote no audit row');
SELECT throws_ok($$SELECT api.cancel_booking(pg_temp.bid('c2'), '00000000-0000-0000-0000-0000000000a4')$$,
                 'RB404', 'booking not found', 'cancel_booking: RB404 for a stranger on a guest booking');
SELECT throws_ok($$SELECT api.reschedule_booking(pg_temp.bid('c2'), '2038-09-07 14:00Z', '00000000-0000-0000-0000-0000000000a4')$$,
                 'RB404', 'booking not found', 'reschedule_booking: RB404 for a stranger on a guest booking');
SELECT is((SELECT status::text FROM api.cancel_booking(pg_temp.bid('c2'), '00000000-0000-0000-0000-0000000000a3')), 'cancelled',
          'cancel_booking: the resource owner cancels a guest''s booking');
SELECT is((SELECT status::text FROM api.cancel_booking(pg_temp.bid('p2'), NULL)), 'declined',
          'cancel_booking: a declined booking stays declined');

-- cancellation cutoff (strict: 48 hours) and p_force
INSERT INTO saved SELECT 's1', b.id FROM api.book_slot('strict', date_bin('1 hour', now() + interval '1 day', 'epoch'), '{}',
    p_user => '00000000-0000-0000-0000-0000000000a2') b;
INSERT INTO saved SELECT 's2', b.id FROM api.book_slot('strict', '2038-09-08 08:00Z', '{}', p_user => '00000000-0000-0000-0000-0000000000a2') b;
SELECT throws_ok($$SELECT api.cancel_booking(pg_temp.bid('s1'), '00000000-0000-0000-0000-0000000000a2')$$,
                 'RB422', 'starts_at: cancellation closed: bookings can be cancelled until 2880 minutes before the start',
                 'cancel_booking: RB422 inside the cutoff');
SELECT throws_ok($$SELECT api.cancel_booking(pg_temp.bid('s1'), '00000000-0000-0000-0000-0000000000a3')$$,
                 'RB422', NULL, 'cancel_booking: the cutoff binds the provider too');
SELECT throws_ok($$SELECT api.cancel_booking(pg_temp.bid('s1'), '00000000-0000-0000-0000-0000000000a2', p_force => true)$$,
                 'RB403', 'only admins may cancel inside the cutoff', 'cancel_booking: p_force is RB403 for a member');
SELECT throws_ok($$SELECT api.cancel_booking(pg_temp.bid('s1'), '00000000-0000-0000-0000-0000000000a3', p_force => true)$$,
                 'RB403', 'only admins may cancel inside the cutoff', 'cancel_booking: p_force is RB403 for the provider');
SELECT is((SELECT status::text FROM api.cancel_booking(pg_temp.bid('s1'), '00000000-0000-0000-0000-0000000000a1', 'venue closed', true)),
          'cancelled', 'cancel_booking: an admin forces a cancellation inside the cutoff');
SELECT is((SELECT status::text FROM api.cancel_booking(pg_temp.bid('s2'), '00000000-0000-0000-0000-0000000000a2')), 'cancelled',
          'cancel_booking: before the cutoff the customer may cancel');
SELECT is(api.booking_json(pg_temp.bk('s2')) ->> 'cancellable_until', '2038-09-06T08:00:00+00:00',
          'booking_json: cancellable_until is the start minus the cutoff');

-- reschedule_booking ---------------------------------------------------------------------------
INSERT INTO saved SELECT 'r1', b.id FROM api.book_slot('consult', '2038-09-09 08:00Z', '{}', p_user => '00000000-0000-0000-0000-0000000000a2') b;
INSERT INTO saved SELECT 'r2', b.id FROM api.book_slot('consult', '2038-09-09 12:00Z', '{"name": "K", "email": "k@example.com"}') b;
SELECT is((SELECT (starts_at, ends_at, version) FROM api.reschedule_booking(pg_temp.bid('r1'), '2038-09-09 10:00Z', '00000000-0000-0000-0000-0000000000a2')),
          ('2038-09-09 10:00Z'::timestamptz, '2038-09-09 11:00Z'::timestamptz, 2), 'reschedule_booking: moves the booking, bumps its version');
SELECT is((SELECT (action, old_starts_at) FROM booking.booking_audit WHERE booking_id = pg_temp.bid('r1') ORDER BY id DESC LIMIT 1),
          ('rescheduled'::text, '2038-09-09 08:00Z'::timestamptz), 'reschedule_booking: audit keeps the old start');
SELECT lives_ok($$SELECT api.book_slot('consult', '2038-09-09 08:00Z', '{"name": "L", "email": "l@example.com"}')$$,
                'reschedule_booking: the old slot is free');
SELECT is((SELECT starts_at FROM api.reschedule_booking(pg_temp.bid('r1'), '2038-09-09 10:30Z', NULL)),
          '2038-09-09 10:30Z'::timestamptz, 'reschedule_booking: a move overlapping its own old slot works');
SELECT throws_ok($$SELECT api.reschedule_booking(pg_temp.bid('r1'), '2038-09-09 11:30Z', '00000000-0000-0000-0000-0000000000a2')$$,
                 'RB409', 'slot 2038-09-09 11:30:00+00 is no longer available', 'reschedule_booking: RB409 onto another booking');
SELECT is((pg_temp.bk('r1')).starts_at, '2038-09-09 10:30Z'::timestamptz, 'reschedule_booking: on conflict nothing changes');
SELECT is((SELECT version FROM api.reschedule_booking(pg_temp.bid('r1'), '2038-09-09 10:30Z', NULL)), 3,
          'reschedule_booking: to the same start changes nothing');
SELECT throws_ok($$SELECT api.reschedule_booking(pg_temp.bid('r1'), '2038-09-09 14:00Z', '00000000-0000-0000-0000-0000000000a4')$$,
                 'RB404', 'booking not found', 'reschedule_booking: RB404 for a stranger');
SELECT throws_ok($$SELECT api.reschedule_booking(gen_random_uuid(), '2038-09-09 14:00Z', NULL)$$,
                 'RB404', 'booking not found', 'reschedule_booking: RB404 for an unknown booking');
SELECT throws_ok($$SELECT api.reschedule_booking(pg_temp.bid('r1'), '2038-09-09 14:10Z', NULL)$$,
                 'RB422', 'starts_at: must lie on the 15-minute grid (:00, :15, :30 or :45)', 'reschedule_booking: RB422 off the grid');
SELECT throws_ok($$SELECT api.reschedule_booking(pg_temp.bid('r1'), '2020-01-06 10:00Z', NULL)$$,
                 'RB422', 'starts_at: is in the past', 'reschedule_booking: RB422 into the past');
SELECT throws_ok($$SELECT api.reschedule_booking(pg_temp.bid('c1'), '2038-09-09 14:00Z', NULL)$$,
                 'RB409', 'a cancelled booking cannot be rescheduled', 'reschedule_booking: RB409 for a cancelled booking');
SELECT throws_ok($$SELECT api.reschedule_booking(pg_temp.bid('r1'), '2038-09-09 14:00Z', NULL, '00000000-0000-0000-0000-0000000000b4')$$,
                 'RB404', 'resource not found', 'reschedule_booking: RB404 for a resource of another service');
INSERT INTO saved SELECT 'lh', b.id FROM api.hold_slot('consult', '2038-09-09 15:00Z') b;
UPDATE booking.bookings SET hold_expires_at = now() - interval '1 minute' WHERE id = pg_temp.bid('lh');
SELECT is((SELECT starts_at FROM api.reschedule_booking(pg_temp.bid('r1'), '2038-09-09 15:00Z', NULL)),
          '2038-09-09 15:00Z'::timestamptz, 'reschedule_booking: into a slot whose hold lapsed');
SELECT is((pg_temp.bk('lh')).status::text, 'expired', 'reschedule_booking: the lapsed hold is expired');
INSERT INTO saved SELECT 'o1', b.id FROM api.book_slot('office', '2038-09-08 13:00Z', '{"name": "M", "email": "m@example.com"}') b;
SELECT throws_ok($$SELECT api.reschedule_booking(pg_temp.bid('o1'), '2038-09-08 22:00Z', NULL)$$,
                 'RB422', 'starts_at: is outside the opening hours', 'reschedule_booking: RB422 outside the opening hours');
INSERT INTO booking.closures (resource_id, during)
VALUES ('00000000-0000-0000-0000-0000000000b4', '[2038-09-09 00:00-04, 2038-09-10 00:00-04)');
SELECT throws_ok($$SELECT api.reschedule_booking(pg_temp.bid('o1'), '2038-09-09 13:00Z', NULL)$$,
                 'RB422', 'starts_at: falls in a closure of the resource', 'reschedule_booking: RB422 into a closure');
INSERT INTO saved SELECT 'd1', b.id FROM api.book_slot('duo', '2038-09-09 16:00Z', '{"name": "N", "email": "n@example.com"}',
    p_resource => '00000000-0000-0000-0000-0000000000b1') b;
SELECT is((SELECT resource_id FROM api.reschedule_booking(pg_temp.bid('d1'), '2038-09-09 16:00Z', NULL, '00000000-0000-0000-0000-0000000000b2')),
          '00000000-0000-0000-0000-0000000000b2'::uuid, 'reschedule_booking: moves to another resource at the same time');
INSERT INTO saved SELECT 'x1', b.id FROM api.book_slot('concert', '2038-09-10 18:00Z', '{"name": "O", "email": "o@example.com"}', p_seats => 4) b;
INSERT INTO saved SELECT 'x2', b.id FROM api.book_slot('concert', '2038-09-10 20:00Z', '{"name": "P", "email": "p@example.com"}', p_seats => 3) b;
SELECT is((SELECT (seats, starts_at) FROM api.reschedule_booking(pg_temp.bid('x2'), '2038-09-10 18:00Z', NULL)),
          ('{[5,8)}'::int4multirange, '2038-09-10 18:00Z'::timestamptz), 'reschedule_booking: seats are allocated at the new time');
SELECT is((pg_temp.bk('x2')).seat_count, 3, 'reschedule_booking: the seat count stays');
INSERT INTO saved SELECT 's3', b.id FROM api.book_slot('strict', date_bin('1 hour', now() + interval '1 day', 'epoch'), '{}',
    p_user => '00000000-0000-0000-0000-0000000000a2') b;
SELECT throws_ok($$SELECT api.reschedule_booking(pg_temp.bid('s3'), '2038-09-11 08:00Z', '00000000-0000-0000-0000-0000000000a2')$$,
                 'RB422', 'starts_at: changes closed: bookings can be changed until 2880 minutes before the start',
                 'reschedule_booking: RB422 inside the cutoff');
SELECT is((SELECT starts_at FROM api.reschedule_booking(pg_temp.bid('s3'), '2038-09-11 08:00Z', '00000000-0000-0000-0000-0000000000a1')),
          '2038-09-11 08:00Z'::timestamptz, 'reschedule_booking: an admin may move it inside the cutoff');

SELECT * FROM finish();
ROLLBACK;
