-- The booker's zone (bookings.attendee_timezone) and the service's "at most N active
-- bookings per attendee" (services.max_active_per_attendee, enforced by book_slot).
BEGIN;
SELECT plan(18);
\ir fixtures.psql

-- zones ---------------------------------------------------------------------------------------
INSERT INTO saved SELECT 'ny', b.id FROM api.book_slot('consult', '2038-06-21 10:00Z',
    '{"name": "Nia", "email": "nia@test.example", "timezone": "America/New_York"}') b;
SELECT is((pg_temp.bk('ny')).attendee_timezone, 'America/New_York', 'book_slot records the zone the client sent');
SELECT is(api.booking_json(pg_temp.bk('ny')) ->> 'attendee_timezone', 'America/New_York', 'booking_json shows it');
SELECT is((SELECT payload ->> 'attendee_timezone' FROM booking.notification_log
            WHERE booking_id = pg_temp.bid('ny') AND kind = 'customer_confirmed'), 'America/New_York',
          'the attendee''s email payload carries it');
SELECT is((SELECT payload ->> 'timezone' FROM booking.notification_log
            WHERE booking_id = pg_temp.bid('ny') AND kind = 'customer_confirmed'), 'Europe/Berlin',
          '... next to the resource''s zone (the provider''s)');
INSERT INTO saved SELECT 'none', b.id FROM api.book_slot('consult', '2038-06-21 12:00Z',
    '{"name": "Nia", "email": "nia@test.example"}') b;
SELECT is((pg_temp.bk('none')).attendee_timezone, NULL, 'no zone sent: none recorded');
SELECT is(api.booking_json(pg_temp.bk('none')) ->> 'attendee_timezone', 'Europe/Berlin',
          '... and the resource''s zone applies');
SELECT is(pg_temp.err($$SELECT api.book_slot('consult', '2038-06-21 14:00Z',
    '{"name": "Nia", "email": "nia@test.example", "timezone": "Mars/Olympus"}')$$) -> 'detail' -> 'errors',
          '{"attendee.timezone": "is not a time zone of the tz database, e.g. Europe/Berlin"}',
          'an unknown zone is RB422 naming attendee.timezone');
SELECT is(pg_temp.err($$SELECT api.book_slot('consult', '2038-06-21 14:00Z',
    '{"name": "Nia", "email": "nia@test.example", "timezone": "EST"}')$$) -> 'detail' -> 'errors' ->> 'attendee.timezone',
          (SELECT message FROM booking.time_zone_aliases WHERE name = 'EST'),
          'an abbreviation is refused as for resources, naming attendee.timezone');
SELECT is(pg_temp.err(format($$SELECT api.book_slot('consult', '2038-06-21 14:00Z',
    '{"name": "Nia", "email": "nia@test.example", "timezone": "%s"}')$$, repeat('x', 65))) ->> 'state', 'RB422',
          'a huge zone name is RB422');
SELECT is(pg_temp.violation($$UPDATE booking.bookings SET attendee_timezone = 'CET' WHERE id = '$$ || pg_temp.bid('ny') || $$'$$),
          'RB422', 'the column''s CHECK refuses an abbreviation written in SQL');
SELECT is(pg_temp.violation($$UPDATE booking.bookings SET attendee_timezone = 'Nowhere/City' WHERE id = '$$ || pg_temp.bid('ny') || $$'$$),
          '23514 bookings_attendee_timezone_check', 'the column''s CHECK refuses an unknown zone');

-- at most N active bookings per attendee -------------------------------------------------------
UPDATE booking.services SET max_active_per_attendee = 1 WHERE slug = 'duo';
INSERT INTO saved SELECT 'm1', b.id FROM api.book_slot('duo', '2038-07-01 10:00Z', p_user => '00000000-0000-0000-0000-0000000000a2') b;
SELECT is(pg_temp.err($$SELECT api.book_slot('duo', '2038-07-02 10:00Z', p_user => '00000000-0000-0000-0000-0000000000a2')$$)
            -> 'detail' -> 'errors', '{"max_active_per_attendee": "at most 1 active booking per attendee"}',
          'a member''s second active booking is RB409 naming the rule');
SELECT is((pg_temp.err($$SELECT api.book_slot('duo', '2038-07-02 10:00Z', p_user => '00000000-0000-0000-0000-0000000000a2')$$)) ->> 'state',
          'RB409', '... a 409');
SELECT isnt((SELECT b.id FROM api.book_slot('duo', '2038-07-02 10:00Z', p_user => '00000000-0000-0000-0000-0000000000a4') b), NULL,
          'another member may book');
SELECT isnt((SELECT b.id FROM api.book_slot('duo', '2038-07-03 10:00Z', '{"name": "Gus", "email": "gus@test.example"}') b), NULL,
          'a guest books once ...');
SELECT is(pg_temp.err($$SELECT api.book_slot('duo', '2038-07-04 10:00Z', '{"name": "Gus", "email": "GUS@test.example"}')$$) ->> 'state',
          'RB409', '... and not twice with the same email (any case)');
SELECT lives_ok($$SELECT api.cancel_booking(pg_temp.bid('m1'), '00000000-0000-0000-0000-0000000000a2')$$, 'the member cancels');
SELECT isnt((SELECT b.id FROM api.book_slot('duo', '2038-07-02 10:00Z', p_user => '00000000-0000-0000-0000-0000000000a2') b), NULL,
          'a cancelled booking does not count: the member books again');

SELECT * FROM finish();
ROLLBACK;
