-- Issue 14: reminders are scheduled outbox rows (not due before their time, gone when the
-- booking is cancelled, moved with it), and booking questions are checked by book_slot.
BEGIN;
SELECT plan(30);
\ir fixtures.psql

-- reminders
UPDATE booking.services SET reminder_offsets = '{1440, 60}' WHERE slug = 'consult';
INSERT INTO saved SELECT 'r1', b.id FROM api.book_slot('consult', '2038-06-07 10:00+00', '{"name": "Rita", "email": "rita@test.example"}') b;
SELECT is((SELECT array_agg(next_attempt_at ORDER BY next_attempt_at) FROM booking.notification_log
            WHERE booking_id = pg_temp.bid('r1') AND kind = 'customer_reminder'),
          ARRAY['2038-06-06 10:00+00', '2038-06-07 09:00+00']::timestamptz[],
          'reminders: one scheduled row per offset, due offset minutes before the start');
SELECT is((SELECT recipient FROM booking.notification_log WHERE booking_id = pg_temp.bid('r1') AND kind = 'customer_reminder' LIMIT 1),
          'rita@test.example', 'reminders: to the attendee');
SELECT is((SELECT count(*)::int FROM api.claim_notifications('w-test', 100)
            WHERE kind = 'customer_reminder'), 0, 'claim_notifications: a reminder not yet due is not claimed');
SELECT lives_ok($$SELECT api.reschedule_booking(pg_temp.bid('r1'), '2038-06-08 12:00+00', p_actor => '00000000-0000-0000-0000-0000000000a1')$$,
                'reschedule the booking');
SELECT is((SELECT array_agg(next_attempt_at ORDER BY next_attempt_at) FROM booking.notification_log
            WHERE booking_id = pg_temp.bid('r1') AND kind = 'customer_reminder'),
          ARRAY['2038-06-07 12:00+00', '2038-06-08 11:00+00']::timestamptz[],
          'reminders: a move reschedules them (old ones gone) in the same transaction');
SELECT is((SELECT payload ->> 'starts_at' FROM booking.notification_log
            WHERE booking_id = pg_temp.bid('r1') AND kind = 'customer_reminder' LIMIT 1),
          '2038-06-08T12:00:00+00:00', 'reminders: the payload shows the new time');
UPDATE booking.notification_log SET next_attempt_at = now() - interval '1 second'
 WHERE booking_id = pg_temp.bid('r1') AND kind = 'customer_reminder' AND next_attempt_at = '2038-06-07 12:00+00';
SELECT is((SELECT count(*)::int FROM api.claim_notifications('w-test', 100) WHERE kind = 'customer_reminder'), 1,
          'claim_notifications: a due reminder is claimed');
SELECT lives_ok($$SELECT api.cancel_booking(pg_temp.bid('r1'), '00000000-0000-0000-0000-0000000000a1', 'plans changed')$$, 'cancel the booking');
SELECT is((SELECT count(*)::int FROM booking.notification_log
            WHERE booking_id = pg_temp.bid('r1') AND kind = 'customer_reminder' AND status = 'pending'), 0,
          'reminders: none left to send for a cancelled booking');
SELECT is((SELECT count(*)::int FROM booking.notification_log
            WHERE booking_id = pg_temp.bid('r1') AND kind = 'customer_reminder' AND status = 'sending'), 1,
          'reminders: the one already being sent is left to its worker');
-- a reminder that comes due after its booking started (the workers were down) is dropped
INSERT INTO saved SELECT 'r5', b.id FROM api.book_slot('consult', '2038-06-09 10:00+00', '{"name": "Late", "email": "late@test.example"}') b;
UPDATE booking.notification_log SET next_attempt_at = now() - interval '1 second'
 WHERE booking_id = pg_temp.bid('r5') AND kind = 'customer_reminder';
SET LOCAL session_replication_role = replica;  -- time passes: the booking has started (no triggers)
UPDATE booking.bookings SET starts_at = date_trunc('hour', now()) - interval '1 hour',
                            ends_at = date_trunc('hour', now()) + interval '1 hour',
                            blocked = tstzrange(date_trunc('hour', now()) - interval '1 hour', date_trunc('hour', now()) + interval '1 hour')
 WHERE id = pg_temp.bid('r5');
SET LOCAL session_replication_role = origin;
SELECT is((SELECT count(*)::int FROM api.claim_notifications('w-test', 100)
            WHERE booking_id = pg_temp.bid('r5') AND kind = 'customer_reminder'), 0,
          'claim_notifications: a reminder due after its booking started is not sent');
SELECT is((SELECT count(*)::int FROM booking.notification_log
            WHERE booking_id = pg_temp.bid('r5') AND kind = 'customer_reminder'), 0,
          'claim_notifications: ... it is dropped, like the reminders of a cancelled booking');
UPDATE booking.services SET reminder_offsets = '{}' WHERE slug = 'duo';
INSERT INTO saved SELECT 'r3', b.id FROM api.book_slot('duo', '2038-06-07 10:00+00', '{"name": "No", "email": "no@test.example"}') b;
SELECT is((SELECT count(*)::int FROM booking.notification_log WHERE booking_id = pg_temp.bid('r3') AND kind = 'customer_reminder'), 0,
          'reminders: a service without offsets sends none');
INSERT INTO saved SELECT 'r4', b.id FROM api.hold_slot('approval', '2038-06-07 10:00+00') b;
SELECT is((SELECT count(*)::int FROM booking.notification_log WHERE booking_id = pg_temp.bid('r4') AND kind = 'customer_reminder'), 0,
          'reminders: none for a hold');
SELECT is((pg_temp.err($$SELECT api.update_service('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000c1', '{"reminder_offsets": [0]}')$$))
          #>> '{detail,errors,reminder_offsets}', 'must be at most 5 whole minutes before the start, each 1 to 43200',
          'update_service: a zero offset is refused');
SELECT is((api.update_service('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000c1', '{"reminder_offsets": [30, 1440, 30]}'))
          -> 'reminder_offsets', '[1440, 30]'::jsonb, 'update_service: offsets deduplicated, latest last');

-- questions
SELECT is((pg_temp.err($$SELECT api.update_service('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000c1',
           '{"questions": [{"label": "Colour", "type": "choice", "options": []}]}')$$)) #>> '{detail,errors}',
          '{"questions[0].options": "must be 1 to 20 distinct choices of 1 to 100 characters"}', 'questions: a choice needs options');
SELECT is((pg_temp.err($$SELECT api.update_service('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000c1',
           '{"questions": [{"label": "X", "type": "essay"}]}')$$)) #>> '{detail,errors}',
          '{"questions[0].type": "must be one of short_text, long_text, phone, choice, checkbox"}', 'questions: unknown type');
SELECT is((pg_temp.err($$SELECT api.update_service('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000c1',
           '{"questions": [{"id": "a", "label": "X", "type": "phone"}, {"id": "a", "label": "Y", "type": "phone"}]}')$$))
          #>> '{detail,errors}', '{"questions[1].id": "is used by another question"}', 'questions: ids are unique');
SELECT is(jsonb_array_length(api.update_service('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000c1', $${"questions": [
    {"id": "topic", "label": "Topic", "type": "short_text", "required": true},
    {"id": "details", "label": "Details", "type": "long_text"},
    {"id": "phone", "label": "Phone", "type": "phone"},
    {"id": "level", "label": "Level", "type": "choice", "options": ["Beginner", "Expert"], "required": true},
    {"id": "terms", "label": "I accept the terms", "type": "checkbox", "required": true}]}$$) -> 'questions'), 5,
          'questions: saved on the service');
SELECT is((pg_temp.err($$SELECT api.book_slot('consult', '2038-06-09 10:00+00', '{"name": "Q", "email": "q@test.example"}')$$))
          #>> '{detail,errors}', '{"answers.topic": "is required (\"Topic\")"}', 'book_slot: a missing required answer names the question');
SELECT is((pg_temp.err($$SELECT api.book_slot('consult', '2038-06-09 10:00+00', '{"name": "Q", "email": "q@test.example",
           "answers": {"topic": "x", "level": "Guru", "terms": true}}')$$)) #>> '{detail,errors}',
          '{"answers.level": "is not one of the choices (\"Level\")"}', 'book_slot: a choice not offered');
SELECT is((pg_temp.err($$SELECT api.book_slot('consult', '2038-06-09 10:00+00', '{"name": "Q", "email": "q@test.example",
           "answers": {"topic": "x", "level": "Expert", "terms": false}}')$$)) #>> '{detail,errors}',
          '{"answers.terms": "is required (\"I accept the terms\")"}', 'book_slot: a required checkbox must be ticked');
SELECT is((pg_temp.err(format($$SELECT api.book_slot('consult', '2038-06-09 10:00+00', '{"name": "Q", "email": "q@test.example",
           "answers": {"topic": "%s", "level": "Expert", "terms": true}}')$$, repeat('x', 201)))) #>> '{detail,errors}',
          '{"answers.topic": "is too long (\"Topic\")"}', 'book_slot: a short text over 200 characters');
SELECT is((pg_temp.err($$SELECT api.book_slot('consult', '2038-06-09 10:00+00', '{"name": "Q", "email": "q@test.example",
           "answers": {"topic": "x", "level": "Expert", "terms": true, "phone": "call me"}}')$$)) #>> '{detail,errors}',
          '{"answers.phone": "is not a phone number (\"Phone\")"}', 'book_slot: a phone that is not one');
SELECT is((pg_temp.err($$SELECT api.book_slot('consult', '2038-06-09 10:00+00', '{"name": "Q", "email": "q@test.example",
           "answers": {"topic": "x", "level": "Expert", "terms": true, "sneaky": "y"}}')$$)) #>> '{detail,errors}',
          '{"answers.sneaky": "is not a question of this service"}', 'book_slot: an answer to no question');
SELECT is((pg_temp.err($$SELECT api.book_slot('consult', '2038-06-09 10:00+00', '{"name": "Q", "email": "q@test.example",
           "answers": {"topic": {"x": 1}, "level": "Expert", "terms": true}}')$$)) #>> '{detail,errors}',
          '{"answers.topic": "must be text (\"Topic\")"}', 'book_slot: an answer of the wrong type');
INSERT INTO saved SELECT 'q1', b.id FROM api.book_slot('consult', '2038-06-09 10:00+00', '{"name": "Q", "email": "q@test.example",
    "answers": {"topic": " Taxes\n2038 ", "level": "Expert", "terms": true, "phone": "+49 30 1234"}}',
    p_metadata => '{"answers": "forged", "source": "web"}') b;
SELECT is((pg_temp.bk('q1')).metadata, $${"source": "web", "answers": [
    {"id": "topic", "label": "Topic", "answer": "Taxes 2038"},
    {"id": "phone", "label": "Phone", "answer": "+49 30 1234"},
    {"id": "level", "label": "Level", "answer": "Expert"},
    {"id": "terms", "label": "I accept the terms", "answer": true}]}$$::jsonb,
          'book_slot: the answers are stored with their labels, in order; a forged metadata.answers is replaced');
SELECT is((api.service_detail('consult') -> 'questions' -> 3 ->> 'type'), 'choice', 'service_detail: the dialog gets the questions');

UPDATE booking.notification_log SET created_at = now() - interval '7 days'
 WHERE kind = 'customer_reminder' AND status = 'pending';
SELECT cmp_ok((SELECT oldest_age_seconds FROM report.notification_health WHERE status = 'pending'), '<', 86400,
              'notification_health: a reminder planned a week ago but not yet due is no stuck queue');
SELECT * FROM finish();
ROLLBACK;
