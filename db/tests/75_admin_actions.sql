-- Issue 13, the admin half: api.move_booking (who may, atomic, conflicts, SEQUENCE + 1 in the
-- outbox, override noted in the audit), cancel inside the cutoff noted in the audit,
-- api.admin_bookings around an instant (today first, paging both ways), wrongly typed
-- catalogue values naming the field, capacity drops refused while bookings hold the
-- seats, deactivation counting upcoming bookings and the public link answering 410.
BEGIN;
SELECT plan(44);
\ir fixtures.psql
\set admin '''00000000-0000-0000-0000-0000000000a1'''
\set member '''00000000-0000-0000-0000-0000000000a2'''
\set provider '''00000000-0000-0000-0000-0000000000a3'''
\set other '''00000000-0000-0000-0000-0000000000a4'''

-- move_booking ----------------------------------------------------------------------------------
-- duo is delivered by room-a (owned by the provider) and room-b (no owner)
INSERT INTO saved SELECT 'm1', b.id FROM api.book_slot('duo', '2038-09-06 08:00Z', '{}', p_user => :member, p_resource => '00000000-0000-0000-0000-0000000000b1') b;
INSERT INTO saved SELECT 'm2', b.id FROM api.book_slot('duo', '2038-09-06 09:00Z', '{}', p_user => :other, p_resource => '00000000-0000-0000-0000-0000000000b2') b;

SELECT throws_ok(format('SELECT api.move_booking(%L, %L, ''2038-09-06 10:00Z'')', pg_temp.bid('m1'), :member),
                 'RB403', 'only the provider or an admin may move a booking', 'move_booking: RB403 for the booking''s own member');
SELECT throws_ok(format('SELECT api.move_booking(%L, %L, ''2038-09-06 10:00Z'')', pg_temp.bid('m1'), :other),
                 'RB404', 'booking not found', 'move_booking: RB404 for a stranger');
SELECT throws_ok(format('SELECT api.move_booking(%L, %L, ''2038-09-06 10:00Z'')', gen_random_uuid(), :admin),
                 'RB404', 'booking not found', 'move_booking: RB404 for an unknown booking');
SELECT throws_ok(format('SELECT api.move_booking(%L, %L, ''2038-09-06 10:00Z'')', pg_temp.bid('m2'), :provider),
                 'RB404', 'booking not found', 'move_booking: RB404 for the provider of another resource');
SELECT is(pg_temp.err(format('SELECT api.move_booking(%L, %L, ''2038-09-06 10:00Z'', ''00000000-0000-0000-0000-0000000000b2'')',
                             pg_temp.bid('m1'), :provider)) -> 'detail' -> 'errors' ->> 'resource',
          'you may move bookings only to resources you provide', 'move_booking: a provider cannot move to a resource they do not provide');
SELECT is(pg_temp.err(format('SELECT api.move_booking(%L, %L, NULL)', pg_temp.bid('m1'), :admin)) -> 'detail' -> 'errors' ->> 'starts_at',
          'is required', 'move_booking: RB422 starts_at without a start');

-- the provider moves their booking later on their room
SELECT is((SELECT (starts_at, resource_id, version)::text FROM api.move_booking(pg_temp.bid('m1'), :provider, '2038-09-06 10:00Z')),
          ('2038-09-06 10:00Z'::timestamptz, '00000000-0000-0000-0000-0000000000b1'::uuid, 2)::text,
          'move_booking: the provider moves their booking; the resource stays, the version goes up');
-- the admin moves it to room-b, onto m2's slot: refused, nothing changes
SELECT is(pg_temp.err(format('SELECT api.move_booking(%L, %L, ''2038-09-06 09:00Z'', ''00000000-0000-0000-0000-0000000000b2'')',
                             pg_temp.bid('m1'), :admin)) ->> 'state', 'RB409', 'move_booking: RB409 onto a taken slot');
SELECT ok(jsonb_array_length(pg_temp.err(format('SELECT api.move_booking(%L, %L, ''2038-09-06 09:00Z'', ''00000000-0000-0000-0000-0000000000b2'')',
                             pg_temp.bid('m1'), :admin)) -> 'detail' -> 'alternatives') > 0, 'move_booking: the 409 carries alternatives');
SELECT is(((pg_temp.bk('m1')).starts_at, (pg_temp.bk('m1')).resource_id, (pg_temp.bk('m1')).version)::text,
          ('2038-09-06 10:00Z'::timestamptz, '00000000-0000-0000-0000-0000000000b1'::uuid, 2)::text,
          'move_booking: a refused move leaves the booking as it was');
-- the admin moves it to room-b at a free time
SELECT is((SELECT (starts_at, resource_id, version)::text FROM api.move_booking(pg_temp.bid('m1'), :admin, '2038-09-06 11:00Z', '00000000-0000-0000-0000-0000000000b2')),
          ('2038-09-06 11:00Z'::timestamptz, '00000000-0000-0000-0000-0000000000b2'::uuid, 3)::text,
          'move_booking: the admin moves it to another room');
SELECT is((SELECT array_agg(kind || ' ' || recipient || ' ' || (payload ->> 'sequence') ORDER BY kind)
             FROM booking.notification_log WHERE booking_id = pg_temp.bid('m1') AND payload ->> 'sequence' = '3'),
          ARRAY['customer_rescheduled member@test.example 3', 'provider_rescheduled room-b@test.example 3'],
          'move_booking: attendee and the new room''s provider get the invitation with the next sequence');
SELECT is((SELECT actor FROM booking.booking_audit WHERE booking_id = pg_temp.bid('m1') ORDER BY id DESC LIMIT 1),
          :admin::uuid, 'move_booking: the audit names the admin');
SELECT is((SELECT override FROM booking.booking_audit WHERE booking_id = pg_temp.bid('m1') ORDER BY id DESC LIMIT 1),
          NULL, 'move_booking: a move outside the cutoff is no override');
SELECT throws_ok(format('SELECT api.move_booking(%L, %L, ''2038-09-06 11:00Z'', ''00000000-0000-0000-0000-0000000000b3'')', pg_temp.bid('m1'), :admin),
                 'RB404', 'resource not found', 'move_booking: RB404 for a resource that does not deliver the service');
SELECT is((SELECT version FROM api.move_booking(pg_temp.bid('m1'), :admin, '2038-09-06 11:00Z', '00000000-0000-0000-0000-0000000000b2')),
          3, 'move_booking: moving to where it is changes nothing');
SELECT is((SELECT status::text FROM api.cancel_booking(pg_temp.bid('m2'), :admin)), 'cancelled', 'the admin cancels m2');
SELECT throws_ok(format('SELECT api.move_booking(%L, %L, ''2038-09-06 12:00Z'')', pg_temp.bid('m2'), :admin),
                 'RB409', 'a cancelled booking cannot be moved', 'move_booking: RB409 for a cancelled booking');

-- inside the cutoff: customers are refused, admins override and the audit says so
INSERT INTO saved SELECT 's1', b.id FROM api.book_slot('strict', date_trunc('hour', now()) + interval '5 hours', '{}', p_user => :member) b;
INSERT INTO saved SELECT 's2', b.id FROM api.book_slot('strict', date_trunc('hour', now()) + interval '7 hours', '{}', p_user => :member) b;
SELECT throws_ok(format('SELECT api.cancel_booking(%L, %L)', pg_temp.bid('s1'), :member), 'RB422', NULL,
                 'cancel_booking: the member is refused inside the cutoff');
SELECT is((SELECT status::text FROM api.cancel_booking(pg_temp.bid('s1'), :admin, 'storm', true)), 'cancelled',
          'cancel_booking: the admin cancels inside the cutoff with p_force');
SELECT is((SELECT override FROM booking.booking_audit WHERE booking_id = pg_temp.bid('s1') ORDER BY id DESC LIMIT 1),
          'cancelled inside the 2880-minute cutoff', 'cancel_booking: the audit notes the override');
SELECT is((SELECT data -> 0 ->> 'override' FROM (SELECT api.admin_audit(:admin, pg_temp.bid('s1')) -> 'data' AS data) a),
          'cancelled inside the 2880-minute cutoff', 'admin_audit: shows the override');
SELECT is((SELECT status::text FROM api.move_booking(pg_temp.bid('s2'), :admin, date_trunc('hour', now()) + interval '9 hours')), 'confirmed',
          'move_booking: the admin moves inside the cutoff');
SELECT is((SELECT override FROM booking.booking_audit WHERE booking_id = pg_temp.bid('s2') ORDER BY id DESC LIMIT 1),
          'moved inside the 2880-minute cutoff', 'move_booking: the audit notes the override');
SELECT is((SELECT override FROM booking.booking_audit WHERE booking_id = pg_temp.bid('s2') ORDER BY id LIMIT 1),
          NULL, 'the override note is on the move''s row only');

-- admin_bookings around an instant ---------------------------------------------------------------
DELETE FROM booking.notification_log;
CREATE TEMP TABLE around_test ON COMMIT DROP AS
SELECT b.id FROM generate_series(0, 6) AS i,
       LATERAL api.book_slot('consult', '2038-10-04 08:00Z'::timestamptz + i * interval '1 day', '{}', p_user => :member) b;
-- 7 consult bookings on Oct 4..10; around Oct 7 00:00: 3 before, 4 at or after; pages of 2
SELECT is(api.admin_bookings(:admin, p_service => 'consult', p_limit => 2, p_page => NULL, p_around => '2038-10-07 00:00Z') -> 'meta',
          '{"total": 7, "page": 3, "limit": 2, "total_pages": 4, "around": "2038-10-07T00:00:00+00:00", "around_page": 3, "before": 3}'::jsonb,
          'admin_bookings: without a page it opens on the page that starts at the instant');
SELECT is((SELECT array_agg((e ->> 'starts_at')::timestamptz::date::text) FROM jsonb_array_elements(
              api.admin_bookings(:admin, p_service => 'consult', p_limit => 2, p_page => NULL, p_around => '2038-10-07 00:00Z') -> 'data') e),
          ARRAY['2038-10-07', '2038-10-08'], 'admin_bookings: that page starts with the first booking at or after it, earliest first');
SELECT is((SELECT array_agg((e ->> 'starts_at')::timestamptz::date::text) FROM jsonb_array_elements(
              api.admin_bookings(:admin, p_service => 'consult', p_limit => 2, p_page => 2, p_around => '2038-10-07 00:00Z') -> 'data') e),
          ARRAY['2038-10-05', '2038-10-06'], 'admin_bookings: the page before holds the bookings just before');
SELECT is((SELECT array_agg((e ->> 'starts_at')::timestamptz::date::text) FROM jsonb_array_elements(
              api.admin_bookings(:admin, p_service => 'consult', p_limit => 2, p_page => 1, p_around => '2038-10-07 00:00Z') -> 'data') e),
          ARRAY['2038-10-04'], 'admin_bookings: page 1 holds the earliest, a short page');
SELECT is((SELECT array_agg((e ->> 'starts_at')::timestamptz::date::text) FROM jsonb_array_elements(
              api.admin_bookings(:admin, p_service => 'consult', p_limit => 2, p_page => 4, p_around => '2038-10-07 00:00Z') -> 'data') e),
          ARRAY['2038-10-09', '2038-10-10'], 'admin_bookings: the last page holds the latest');
SELECT is(api.admin_bookings(:admin, p_service => 'consult', p_limit => 2, p_page => 5, p_around => '2038-10-07 00:00Z') -> 'data',
          '[]', 'admin_bookings: past the last page, nothing');
SELECT is(api.admin_bookings(:admin, p_service => 'consult', p_limit => 2, p_page => NULL, p_around => '2039-01-01 00:00Z') -> 'meta' ->> 'around_page',
          '5', 'admin_bookings: after every booking, the page after the last one');
SELECT throws_ok($$SELECT api.admin_bookings('00000000-0000-0000-0000-0000000000a3', p_around => now())$$,
                 'RB403', 'admins only', 'admin_bookings: admins only');

-- wrongly typed catalogue values name the field --------------------------------------------------
SELECT is(pg_temp.err($$SELECT api.update_service('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000c1', '{"price": "abc"}')$$) -> 'detail',
          '{"errors": {"price": "must be a number, e.g. 49.00"}}', 'update_service: price "abc" is RB422 naming price');
SELECT is(pg_temp.err($$SELECT api.create_service('00000000-0000-0000-0000-0000000000a1', '{"slug": "x1", "name": "X", "duration_minutes": "sixty"}')$$) -> 'detail',
          '{"errors": {"duration_minutes": "must be a whole number"}}', 'create_service: a duration that is no number names the field');
SELECT is(pg_temp.err($$SELECT api.update_service('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000c1', '{"requires_confirmation": "maybe"}')$$) -> 'detail',
          '{"errors": {"requires_confirmation": "must be true or false"}}', 'update_service: a boolean that is none names the field');
SELECT is(pg_temp.err($$SELECT api.update_service('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000c1', '{"starts_at": "soon"}')$$) -> 'detail' -> 'errors' ->> 'starts_at',
          'must be a date and time, e.g. 2027-06-04T19:00:00+02:00', 'update_service: a start that does not parse names starts_at');
SELECT is(pg_temp.err($$SELECT api.update_resource('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000b3', '{"capacity": 1.5}')$$) -> 'detail',
          '{"errors": {"capacity": "must be a whole number"}}', 'update_resource: a capacity of 1.5 names the field');

SELECT is(pg_temp.violation($$SELECT api.update_service('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000c1', '{"price": "NaN"}')$$),
          '23514 services_price_finite_check', 'update_service: a price of NaN is refused (it passed price >= 0)');

-- capacity drops, deactivation --------------------------------------------------------------------
INSERT INTO saved SELECT 'c1', b.id FROM api.book_slot('concert', '2038-09-10 20:00Z', '{}', p_user => :member, p_seats => 4) b;
SELECT is(pg_temp.err($$SELECT api.update_resource('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000b3', '{"capacity": 3}')$$) -> 'detail' -> 'errors' ->> 'capacity',
          format('1 upcoming booking(s) hold seats above 3 (first: %s); cancel or move them first', (pg_temp.bk('c1')).reference),
          'update_resource: capacity below the seats an upcoming booking holds is RB422 naming capacity');
SELECT is(pg_temp.violation($$UPDATE booking.resources SET capacity = 2 WHERE slug = 'hall'$$), 'RB422',
          'a DBA''s UPDATE meets the same rule');
SELECT is(api.update_resource(:admin, '00000000-0000-0000-0000-0000000000b3', '{"capacity": 4}') ->> 'capacity', '4',
          'update_resource: capacity down to the seats in use is fine');
SELECT is(api.set_service_active(:admin, '00000000-0000-0000-0000-0000000000c3', false) -> 'upcoming_bookings', '1',
          'set_service_active: deactivating tells how many upcoming bookings stay');
SELECT throws_ok($$SELECT api.service_detail('concert')$$, 'RB410', 'this service is no longer offered',
                 'service_detail: a deactivated service''s link says so (410)');

SELECT * FROM finish();
ROLLBACK;
