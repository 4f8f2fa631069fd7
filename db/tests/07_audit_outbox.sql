-- I3: every booking change writes its audit row and its outbox rows (right kinds and
-- recipients) in the same transaction; a rolled-back change leaves none. Also the
-- change feed (changes_since, current_seq) built on the audit ids.
BEGIN;
SELECT plan(48);
\ir fixtures.psql

INSERT INTO booking.resources (id, slug, name, timezone)
VALUES ('00000000-0000-0000-0000-0000000000b8', 'kiosk', 'Kiosk', 'Europe/Berlin');
INSERT INTO booking.availability_rules (resource_id, weekday, start_time, end_time)
SELECT '00000000-0000-0000-0000-0000000000b8', d, '00:00', '24:00' FROM generate_series(1, 7) d;
INSERT INTO booking.services (id, slug, name, duration_minutes, slot_step_minutes, max_advance_days)
VALUES ('00000000-0000-0000-0000-0000000000c8', 'kiosk-visit', 'Kiosk visit', 30, 30, 5000);
UPDATE booking.services SET reminder_offsets = '{}' WHERE slug = 'kiosk-visit';  -- counted without reminders
INSERT INTO booking.service_resources VALUES ('00000000-0000-0000-0000-0000000000c8', '00000000-0000-0000-0000-0000000000b8');

CREATE FUNCTION pg_temp.kinds(p_booking uuid) RETURNS text[] LANGUAGE sql AS $$
    SELECT coalesce(array_agg(kind || ' ' || recipient ORDER BY id), '{}') FROM booking.notification_log WHERE booking_id = p_booking
$$;
CREATE FUNCTION pg_temp.actions(p_booking uuid) RETURNS text[] LANGUAGE sql AS $$
    SELECT coalesce(array_agg(action ORDER BY id), '{}') FROM booking.booking_audit WHERE booking_id = p_booking
$$;
CREATE FUNCTION pg_temp.payload(p_booking uuid, p_kind text) RETURNS jsonb LANGUAGE sql AS $$
    SELECT payload FROM booking.notification_log WHERE booking_id = p_booking AND kind = p_kind ORDER BY id DESC LIMIT 1
$$;
CREATE TEMP TABLE seq0 ON COMMIT DROP AS SELECT api.current_seq() AS seq;

-- a member's confirmed booking ----------------------------------------------------------------
INSERT INTO saved SELECT 'm1', b.id FROM api.book_slot('consult', '2038-10-04 08:00Z', '{}',
    p_user => '00000000-0000-0000-0000-0000000000a2', p_idempotency_key => 'k1') b;
SELECT is(pg_temp.actions(pg_temp.bid('m1')), ARRAY['created'], 'audit: one row for a new booking');
SELECT is((SELECT jsonb_build_array(status, actor, db_user, starts_at) FROM booking.booking_audit WHERE booking_id = pg_temp.bid('m1')),
          jsonb_build_array('confirmed', '00000000-0000-0000-0000-0000000000a2'::uuid, current_user, '2038-10-04 08:00Z'::timestamptz),
          'audit: status, actor, database user and time');
SELECT ok((SELECT NOT (new_row ?| ARRAY['manage_token_hash', 'request_hash']) AND old_row IS NULL
             FROM booking.booking_audit WHERE booking_id = pg_temp.bid('m1')), 'audit: new row snapshot without secrets');
SELECT is(pg_temp.kinds(pg_temp.bid('m1')), ARRAY['customer_confirmed member@test.example', 'provider_new provider@test.example'],
          'outbox: confirmation to the customer, notice to the resource owner');
SELECT is(pg_temp.payload(pg_temp.bid('m1'), 'customer_confirmed')
              - 'booking_id' - 'reference' - 'booked_at',
          '{"status": "confirmed", "action": "created", "sequence": 1, "starts_at": "2038-10-04T08:00:00+00:00",
            "ends_at": "2038-10-04T09:00:00+00:00", "old_starts_at": null, "old_ends_at": null, "seats": 1,
            "price": 50.00, "currency": "EUR", "reason": null, "notes": null, "service_slug": "consult",
            "service_name": "Consultation", "resource_slug": "room-a", "resource_name": "Room A",
            "timezone": "Europe/Berlin", "attendee_timezone": "Europe/Berlin", "provider_timezone": "Europe/Berlin",
            "cancellable_until": "2038-10-04T08:00:00+00:00",
            "location": "Berlin, floor 1", "attendee_name": "Max Member",
            "attendee_email": "member@test.example", "provider_name": "Pia Provider",
            "provider_email": "provider@test.example", "guest": false, "reminder_offsets": [],
            "answers": null}'::jsonb,
          'outbox: the payload is a snapshot of what the email shows');
SELECT is(pg_temp.payload(pg_temp.bid('m1'), 'customer_confirmed') ->> 'reference', (pg_temp.bk('m1')).reference,
          'outbox: the payload carries the reference');
SELECT ok((SELECT bool_and(status = 'pending' AND attempts = 0 AND message_id ~ '^<[0-9a-f-]{36}@booker>$')
             FROM booking.notification_log WHERE booking_id = pg_temp.bid('m1')), 'outbox: pending rows with a message id');
SELECT is((SELECT count(DISTINCT message_id)::integer FROM booking.notification_log WHERE booking_id = pg_temp.bid('m1')), 2,
          'outbox: one message id per email');

-- a guest on a resource with its own address; a resource with no address at all
INSERT INTO saved SELECT 'g1', b.id FROM api.book_slot('duo', '2038-10-04 08:00Z', '{"name": "Gina", "email": "gina@example.com"}',
    p_resource => '00000000-0000-0000-0000-0000000000b2', p_manage_token_hash => repeat('cd', 32)) b;
SELECT is(pg_temp.kinds(pg_temp.bid('g1')), ARRAY['customer_confirmed gina@example.com', 'provider_new room-b@test.example'],
          'outbox: a guest gets the confirmation, the resource''s own address the notice');
SELECT is(pg_temp.payload(pg_temp.bid('g1'), 'provider_new') -> 'guest', 'true'::jsonb, 'outbox: the payload says guest');
SELECT ok(NOT EXISTS (SELECT 1 FROM booking.notification_log WHERE payload::text LIKE '%' || repeat('cd', 32) || '%'),
          'outbox: no manage token hash in any payload');
INSERT INTO saved SELECT 'k1', b.id FROM api.book_slot('kiosk-visit', '2038-10-04 08:00Z', '{"name": "Kai", "email": "kai@example.com"}') b;
SELECT is(pg_temp.kinds(pg_temp.bid('k1')), ARRAY['customer_confirmed kai@example.com'],
          'outbox: no provider notice when the resource has no address');

-- pending, approved, declined
INSERT INTO saved SELECT 'p1', b.id FROM api.book_slot('approval', '2038-10-05 08:00Z', '{"name": "Pat", "email": "pat@example.com"}') b;
INSERT INTO saved SELECT 'p2', b.id FROM api.book_slot('approval', '2038-10-05 10:00Z', '{"name": "Quin", "email": "quin@example.com"}') b;
SELECT is(pg_temp.kinds(pg_temp.bid('p1')), ARRAY['customer_pending pat@example.com', 'provider_new room-b@test.example'],
          'outbox: a pending booking tells the customer it is pending and the provider it is new');
SELECT api.confirm_booking(pg_temp.bid('p1'), '00000000-0000-0000-0000-0000000000a1') IS NOT NULL AS confirmed \gset
SELECT is(pg_temp.actions(pg_temp.bid('p1')), ARRAY['created', 'approved'], 'audit: approved');
SELECT is((pg_temp.kinds(pg_temp.bid('p1')))[3:], ARRAY['customer_approved pat@example.com'], 'outbox: approval to the customer only');
SELECT api.decline_booking(pg_temp.bid('p2'), '00000000-0000-0000-0000-0000000000a1', 'No staff') IS NOT NULL AS declined \gset
SELECT is(pg_temp.actions(pg_temp.bid('p2')), ARRAY['created', 'declined'], 'audit: declined');
SELECT is((pg_temp.kinds(pg_temp.bid('p2')))[3:], ARRAY['customer_declined quin@example.com'], 'outbox: decline to the customer only');
SELECT is(pg_temp.payload(pg_temp.bid('p2'), 'customer_declined') ->> 'reason', 'No staff', 'outbox: the decline carries the reason');

-- rescheduled, cancelled
SELECT api.reschedule_booking(pg_temp.bid('m1'), '2038-10-04 10:00Z', '00000000-0000-0000-0000-0000000000a2') IS NOT NULL AS moved \gset
SELECT is(pg_temp.actions(pg_temp.bid('m1')), ARRAY['created', 'rescheduled'], 'audit: rescheduled');
SELECT is((SELECT (old_starts_at, old_ends_at) FROM booking.booking_audit WHERE booking_id = pg_temp.bid('m1') AND action = 'rescheduled'),
          ('2038-10-04 08:00Z'::timestamptz, '2038-10-04 09:00Z'::timestamptz), 'audit: the old times of a reschedule');
SELECT is((pg_temp.kinds(pg_temp.bid('m1')))[3:], ARRAY['customer_rescheduled member@test.example', 'provider_rescheduled provider@test.example'],
          'outbox: reschedule notice to the customer and the provider');
SELECT is(pg_temp.payload(pg_temp.bid('m1'), 'provider_rescheduled'), pg_temp.payload(pg_temp.bid('m1'), 'customer_rescheduled'),
          'outbox: the provider''s reschedule notice has the same snapshot (new sequence, old and new times)');
SELECT is((SELECT (payload ->> 'sequence', payload ->> 'old_starts_at', payload ->> 'starts_at')
             FROM booking.notification_log WHERE booking_id = pg_temp.bid('m1') AND kind = 'customer_rescheduled'),
          ('2'::text, '2038-10-04T08:00:00+00:00'::text, '2038-10-04T10:00:00+00:00'::text),
          'outbox: the reschedule payload has the new sequence and both starts');
SELECT api.cancel_booking(pg_temp.bid('m1'), '00000000-0000-0000-0000-0000000000a2', 'Ill') IS NOT NULL AS cancelled \gset
SELECT is(pg_temp.actions(pg_temp.bid('m1')), ARRAY['created', 'rescheduled', 'cancelled'], 'audit: cancelled');
SELECT is((pg_temp.kinds(pg_temp.bid('m1')))[5:], ARRAY['customer_cancelled member@test.example', 'provider_cancelled provider@test.example'],
          'outbox: cancellation to the customer and the provider');
SELECT is((SELECT (payload ->> 'sequence', payload ->> 'reason') FROM booking.notification_log
            WHERE booking_id = pg_temp.bid('m1') AND kind = 'provider_cancelled'), ('3'::text, 'Ill'::text),
          'outbox: the cancellation payload has the sequence and the reason');
SELECT is((SELECT count(*)::integer FROM booking.notification_log WHERE booking_id = pg_temp.bid('m1')), 6,
          'outbox: six emails in the life of that booking');

-- direct SQL writes are covered too
INSERT INTO booking.bookings (id, service_id, resource_id, status, starts_at, ends_at, attendee_name, attendee_email)
VALUES ('00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000b1',
        'confirmed', '2038-10-06 08:00Z', '2038-10-06 09:00Z', 'Dee', 'dee@example.com');
SELECT is(pg_temp.actions('00000000-0000-0000-0000-0000000000d1'), ARRAY['created'], 'audit: a DBA''s INSERT is audited');
SELECT is(pg_temp.kinds('00000000-0000-0000-0000-0000000000d1'),
          ARRAY['customer_confirmed dee@example.com', 'provider_new provider@test.example'], 'outbox: a DBA''s INSERT queues the emails');
UPDATE booking.bookings SET notes = 'VIP' WHERE id = '00000000-0000-0000-0000-0000000000d1';
SELECT is(pg_temp.actions('00000000-0000-0000-0000-0000000000d1'), ARRAY['created', 'updated'], 'audit: a DBA''s edit is audited');
SELECT is(cardinality(pg_temp.kinds('00000000-0000-0000-0000-0000000000d1')), 2, 'outbox: an edit of notes sends nothing');
UPDATE booking.bookings SET updated_at = updated_at WHERE id = '00000000-0000-0000-0000-0000000000d1';
SELECT is(cardinality(pg_temp.actions('00000000-0000-0000-0000-0000000000d1')), 2, 'audit: a no-op UPDATE writes nothing');
UPDATE booking.bookings SET status = 'cancelled' WHERE id = '00000000-0000-0000-0000-0000000000d1';
SELECT is((pg_temp.kinds('00000000-0000-0000-0000-0000000000d1'))[3:],
          ARRAY['customer_cancelled dee@example.com', 'provider_cancelled provider@test.example'],
          'outbox: a DBA''s cancellation queues the emails');

-- db_user names the login role, also when the change runs inside a SECURITY DEFINER api function
GRANT EXECUTE ON FUNCTION pg_temp.violation(text) TO booker_app;
SET LOCAL SESSION AUTHORIZATION booker_app;
SELECT pg_temp.violation($$SELECT api.book_slot('kiosk-visit', '2038-10-08 08:00Z', '{"name": "Al", "email": "al@example.com"}')$$) AS app_booked \gset
RESET SESSION AUTHORIZATION;
SELECT is(:'app_booked'::text, 'no error', 'booker_app books (logged in as booker_app)');
SELECT is((SELECT db_user FROM booking.booking_audit ORDER BY id DESC LIMIT 1), 'booker_app',
          'audit: db_user is the role that logged in, not the api functions'' owner');

-- none after a rollback ----------------------------------------------------------------------------
CREATE TEMP TABLE counts ON COMMIT DROP AS
SELECT (SELECT count(*) FROM booking.bookings) AS bookings, (SELECT count(*) FROM booking.booking_audit) AS audit,
       (SELECT count(*) FROM booking.notification_log) AS outbox;
SAVEPOINT before_change;
SELECT api.book_slot('consult', '2038-10-07 08:00Z', '{"name": "Rae", "email": "rae@example.com"}') IS NOT NULL AS booked \gset
SELECT api.cancel_booking(pg_temp.bid('k1'), NULL) IS NOT NULL AS cancelled \gset
SELECT cmp_ok((SELECT count(*) FROM booking.booking_audit), '=', (SELECT audit + 2 FROM counts),
              'rollback: inside the transaction the audit rows exist');
ROLLBACK TO SAVEPOINT before_change;
SELECT is((SELECT (count(*), (SELECT count(*) FROM booking.booking_audit), (SELECT count(*) FROM booking.notification_log))
             FROM booking.bookings),
          (SELECT (bookings, audit, outbox) FROM counts), 'rollback: no booking, audit or outbox row survives a rollback');
SELECT is((pg_temp.bk('k1')).status::text, 'confirmed', 'rollback: the cancellation is undone');
SELECT throws_ok($$SELECT api.book_slot('approval', '2038-10-05 08:00Z', '{"name": "Sam", "email": "sam@example.com"}')$$,
                 'RB409', NULL, 'a refused booking ...');
SELECT is((SELECT (count(*), (SELECT count(*) FROM booking.booking_audit), (SELECT count(*) FROM booking.notification_log))
             FROM booking.bookings),
          (SELECT (bookings, audit, outbox) FROM counts), '... leaves no booking, audit or outbox row');
SELECT throws_ok($$INSERT INTO booking.bookings (service_id, resource_id, status, starts_at, ends_at, attendee_email)
                   VALUES ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000b1', 'confirmed',
                           '2038-10-06 08:00Z', '2038-10-06 08:45Z', 'x@example.com'),
                          ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000b1', 'confirmed',
                           '2038-10-06 08:30Z', '2038-10-06 09:00Z', 'y@example.com')$$,
                 '23P01', NULL, 'a DBA''s double-booking INSERT fails ...');
SELECT is((SELECT (count(*), (SELECT count(*) FROM booking.booking_audit), (SELECT count(*) FROM booking.notification_log))
             FROM booking.bookings),
          (SELECT (bookings, audit, outbox) FROM counts), '... and leaves no audit or outbox row of its first row');

-- the change feed ---------------------------------------------------------------------------------
SELECT is(api.current_seq(), (SELECT max(id) FROM booking.booking_audit), 'current_seq: the latest audit id');
SELECT is((SELECT count(*)::integer FROM api.changes_since((SELECT seq FROM seq0))),
          (SELECT count(*)::integer FROM booking.booking_audit), 'changes_since: every change after a sequence');
SELECT is((SELECT array_agg(type ORDER BY seq) FROM api.changes_since((SELECT seq FROM seq0), 'consult')),
          ARRAY['created', 'rescheduled', 'cancelled', 'created', 'updated', 'cancelled'], 'changes_since: filtered by service slug');
SELECT is((SELECT (service, resource, old_starts_at, status) FROM api.changes_since((SELECT seq FROM seq0), '00000000-0000-0000-0000-0000000000c1')
            WHERE type = 'rescheduled'),
          ('consult'::text, 'room-a'::text, '2038-10-04 08:00Z'::timestamptz, 'confirmed'::text),
          'changes_since: filtered by service id, with slugs and the old start');
SELECT is((SELECT count(*)::integer FROM api.changes_since((SELECT seq FROM seq0), NULL, 2)), 2, 'changes_since: p_limit');
SELECT is((SELECT count(*)::integer FROM api.changes_since(api.current_seq())), 0, 'changes_since: nothing after the latest');

SELECT * FROM finish();
ROLLBACK;
