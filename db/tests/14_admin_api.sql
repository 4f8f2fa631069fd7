-- The admin and account api functions: resources, weekly rules, closures, services, the
-- bookings overview and its export, the outbox, the audit trail, me and my bookings, the
-- public service detail; success paths and each error. Admin is ...0a1, member ...0a2.
BEGIN;
SELECT plan(93);
\ir fixtures.psql

\set admin '''00000000-0000-0000-0000-0000000000a1'''
\set member '''00000000-0000-0000-0000-0000000000a2'''
\set room_a '''00000000-0000-0000-0000-0000000000b1'''
\set consult '''00000000-0000-0000-0000-0000000000c1'''

-- resources -------------------------------------------------------------------------------------
SELECT api.create_resource(:admin, '{"slug": "studio", "name": "Studio", "timezone": "Europe/Lisbon",
    "kind": "equipment", "capacity": 3, "owner": "Member@Test.Example", "location": "Lisbon"}') ->> 'id' AS studio \gset
SELECT is(api.admin_resource(:admin, :'studio') - ARRAY['id', 'created_at', 'updated_at'],
          '{"slug": "studio", "name": "Studio", "kind": "equipment", "capacity": 3, "timezone": "Europe/Lisbon",
            "owner": "member@test.example", "email": null, "location": "Lisbon", "description": "",
            "active": true, "rules": []}',
          'create_resource: created with its owner resolved by email (any case)');
SELECT throws_ok($$SELECT api.create_resource('00000000-0000-0000-0000-0000000000a2', '{"slug": "x", "name": "X", "timezone": "UTC"}')$$,
                 'RB403', 'admins only', 'create_resource: RB403 for a member');
SELECT throws_ok($$SELECT api.create_resource('00000000-0000-0000-0000-0000000000a1', '{"slug": "x", "timezone": "UTC"}')$$,
                 'RB422', 'name: is required', 'create_resource: RB422 for a missing name');
SELECT throws_ok($$SELECT api.create_resource('00000000-0000-0000-0000-0000000000a1', '{"slug": "Bad Slug", "name": "X", "timezone": "UTC"}')$$,
                 '23514', NULL, 'create_resource: the slug pattern is the CHECK''s');
SELECT throws_ok($$SELECT api.create_resource('00000000-0000-0000-0000-0000000000a1', '{"slug": "x", "name": "X", "timezone": "Mars/Olympus"}')$$,
                 '23514', NULL, 'create_resource: an unknown time zone');
SELECT throws_ok($$SELECT api.create_resource('00000000-0000-0000-0000-0000000000a1', '{"slug": "x", "name": "X", "timezone": "UTC", "kind": "spaceship"}')$$,
                 'RB422', 'kind: must be one of room, person, team, venue, equipment',
                 'create_resource: RB422 for an unknown kind, listing the CHECK''s kinds');
SELECT throws_ok($$SELECT api.create_resource('00000000-0000-0000-0000-0000000000a1', '{"slug": "x", "name": "X", "timezone": "UTC", "owner": "ghost@example.com"}')$$,
                 'RB422', 'owner: no user with this email', 'create_resource: RB422 for an unknown owner');
SELECT throws_ok($$SELECT api.create_resource('00000000-0000-0000-0000-0000000000a1', '{"slug": "room-a", "name": "X", "timezone": "UTC"}')$$,
                 '23505', NULL, 'create_resource: a taken slug');
SELECT is(api.update_resource(:admin, :'studio', '{"name": "Studio 2", "owner": null, "id": "00000000-0000-0000-0000-000000000000"}')
          - ARRAY['created_at', 'updated_at', 'rules', 'email', 'location', 'description', 'kind', 'capacity', 'timezone', 'active', 'slug'],
          jsonb_build_object('id', :'studio', 'name', 'Studio 2', 'owner', NULL),
          'update_resource: changes only the named fields (the id is not a field), owner null removes it');
SELECT throws_ok($$SELECT api.update_resource('00000000-0000-0000-0000-0000000000a1', gen_random_uuid(), '{}')$$,
                 'RB404', 'resource not found', 'update_resource: RB404 for an unknown resource');
SELECT throws_ok($$SELECT api.update_resource('00000000-0000-0000-0000-0000000000a2', '00000000-0000-0000-0000-0000000000b1', '{}')$$,
                 'RB403', 'admins only', 'update_resource: RB403 for a member');
SELECT throws_ok($$SELECT api.update_resource('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000b1', '{"capacity": 0}')$$,
                 '23514', NULL, 'update_resource: the capacity range is the CHECK''s');
SELECT is(api.set_resource_active(:admin, :'studio', false) -> 'active', 'false', 'set_resource_active: deactivates');
SELECT is(api.set_resource_active(:admin, :'studio', true) -> 'active', 'true', 'set_resource_active: re-activates');
SELECT throws_ok($$SELECT api.set_resource_active('00000000-0000-0000-0000-0000000000a1', gen_random_uuid(), false)$$,
                 'RB404', 'resource not found', 'set_resource_active: RB404 for an unknown resource');
SELECT is(api.admin_resources(:admin) -> 'meta', '{"total": 5, "page": 1, "limit": 200, "total_pages": 1}',
          'admin_resources: every resource, counted');
SELECT is((SELECT array_agg(r ->> 'slug') FROM jsonb_array_elements(api.admin_resources(:admin, 2, 2) -> 'data') r),
          ARRAY['room-a', 'room-b'], 'admin_resources: by slug, one page at a time');
SELECT is(api.admin_resources(:admin, 9, 2) -> 'meta' -> 'total', '5', 'admin_resources: counted past the last page too');
SELECT throws_ok($$SELECT api.admin_resources('00000000-0000-0000-0000-0000000000a1', 0)$$, 'RB422', 'page: must be at least 1',
                 'admin_resources: RB422 for page 0');
SELECT throws_ok($$SELECT api.admin_resources('00000000-0000-0000-0000-0000000000a2')$$, 'RB403', 'admins only',
                 'admin_resources: RB403 for a member');
SELECT is(api.resource_kinds(), ARRAY['room', 'person', 'team', 'venue', 'equipment'], 'resource_kinds: the CHECK''s list');
SELECT is(api.resource_id('room-a'), '00000000-0000-0000-0000-0000000000b1'::uuid, 'resource_id: by slug');
SELECT is(api.resource_id('00000000-0000-0000-0000-0000000000b2'), '00000000-0000-0000-0000-0000000000b2'::uuid, 'resource_id: by id');
SELECT is(api.resource_id('nowhere'), NULL, 'resource_id: NULL when there is none');
SELECT throws_ok($$SELECT api.admin_resource('00000000-0000-0000-0000-0000000000a1', gen_random_uuid())$$,
                 'RB404', 'resource not found', 'admin_resource: RB404 for an unknown resource');

-- weekly rules ----------------------------------------------------------------------------------
SELECT is((SELECT array_agg((r ->> 'weekday') || ' ' || (r ->> 'start') || '-' || (r ->> 'end'))
             FROM jsonb_array_elements(api.replace_availability_rules(:admin, :'studio',
                  '[{"weekday": 2, "start": "13:00", "end": "24:00"}, {"weekday": 1, "start": "09:00", "end": "12:00"},
                    {"weekday": 1, "start": "12:00", "end": "17:00"}]')) r),
          ARRAY['1 09:00-12:00', '1 12:00-17:00', '2 13:00-24:00'], 'replace_availability_rules: the new rules, ordered');
SELECT throws_ok($$SELECT api.replace_availability_rules('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000b4',
                   '[{"weekday": 1, "start": "09:00", "end": "12:00"}, {"weekday": 1, "start": "11:00", "end": "13:00"}]')$$,
                 'RB422', 'rules[1]: overlaps another rule of the same weekday',
                 'replace_availability_rules: RB422 naming the overlapping rule');
SELECT lives_ok($$SELECT api.replace_availability_rules('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000b4',
                   '[{"weekday": 1, "start": "09:00", "end": "12:00", "valid_until": "2038-01-31"},
                     {"weekday": 1, "start": "11:00", "end": "13:00", "valid_from": "2038-02-01"}]')$$,
                'replace_availability_rules: the same hours in separate validity periods do not overlap');
SELECT throws_ok($$SELECT api.replace_availability_rules('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000b4',
                   '[{"weekday": 8, "start": "09:00", "end": "12:00"}]')$$,
                 '23514', NULL, 'replace_availability_rules: the weekday range is the CHECK''s');
SELECT throws_ok($$SELECT api.replace_availability_rules('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000b4', '{}')$$,
                 'RB422', 'rules: must be a list of {weekday, start, end}', 'replace_availability_rules: RB422 for a non-list');
SELECT throws_ok($$SELECT api.replace_availability_rules('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000b4', '[5]')$$,
                 'RB422', 'rules[0]: must be an object', 'replace_availability_rules: RB422 for a rule that is no object');
SELECT throws_ok($$SELECT api.replace_availability_rules('00000000-0000-0000-0000-0000000000a1', gen_random_uuid(), '[]')$$,
                 'RB404', 'resource not found', 'replace_availability_rules: RB404 for an unknown resource');
SELECT throws_ok($$SELECT api.replace_availability_rules('00000000-0000-0000-0000-0000000000a2', '00000000-0000-0000-0000-0000000000b4', '[]')$$,
                 'RB403', 'only the resource''s owner or an admin may manage its hours and closures', 'replace_availability_rules: RB403 for a member');
SELECT throws_ok($$INSERT INTO booking.availability_rules (resource_id, weekday, start_time, end_time)
                   VALUES ('00000000-0000-0000-0000-0000000000b1', 3, '10:00', '11:00')$$,
                 '23P01', NULL, 'a DBA''s INSERT of an overlapping rule meets availability_rules_no_overlap_excl');
SELECT is(jsonb_array_length(api.add_availability_rule(:admin, :'studio', '{"weekday": 3, "start": "08:00", "end": "10:00"}')), 4,
          'add_availability_rule: one more rule');
SELECT throws_ok($$SELECT api.add_availability_rule('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000b1',
                   '{"weekday": 3, "start": "08:00", "end": "10:00"}')$$,
                 'RB422', 'rule: overlaps another rule of the same weekday', 'add_availability_rule: RB422 for an overlap');
SELECT is(jsonb_array_length(api.availability_rules(:admin, :'studio')), 4, 'availability_rules: the resource''s rules');
SELECT throws_ok($$SELECT api.availability_rules('00000000-0000-0000-0000-0000000000a1', gen_random_uuid())$$,
                 'RB404', 'resource not found', 'availability_rules: RB404 for an unknown resource');
SELECT lives_ok(format('SELECT api.delete_availability_rule(%L, %L, %L)', :admin, :'studio',
                       api.availability_rules(:admin, :'studio') -> 0 ->> 'id'),
                'delete_availability_rule: removes one rule');
SELECT throws_ok(format('SELECT api.delete_availability_rule(%L, %L, gen_random_uuid())', :admin, :'studio'),
                 'RB404', 'rule not found', 'delete_availability_rule: RB404 for an unknown rule');

-- closures --------------------------------------------------------------------------------------
SELECT api.create_closure(:admin, :room_a, '2038-12-24 00:00Z', '2038-12-27 00:00Z', 'holiday') ->> 'id' AS closure \gset
SELECT is((SELECT array_agg(c ->> 'reason') FROM jsonb_array_elements(api.resource_closures(:admin, :room_a)) c),
          ARRAY['holiday'], 'create_closure / resource_closures: the closure is listed');
SELECT is((SELECT count(*)::integer FROM api.available_slots('consult', '2038-12-25 00:00Z', '2038-12-26 00:00Z')), 0,
          'create_closure: no slots inside it');
SELECT throws_ok($$SELECT api.create_closure('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000b1',
                   '2038-12-24 00:00Z', '2038-12-24 00:00Z')$$,
                 'RB422', 'ends_at: must be after starts_at', 'create_closure: RB422 for an empty period');
SELECT throws_ok($$SELECT api.create_closure('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000b1',
                   NULL, '2038-12-24 00:00Z')$$,
                 'RB422', 'starts_at: is required', 'create_closure: RB422 naming starts_at when it is missing');
SELECT throws_ok($$SELECT api.replace_availability_rules('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000b4',
                   '[{"weekday": 1, "start": "09:00", "end": "12:00"}, {"weekday": "Monday", "start": "13:00", "end": "17:00"}]')$$,
                 'RB422', 'rules[1]: weekday must be 1-7, start and end times (HH:MM), valid_from and valid_until dates',
                 'replace_availability_rules: RB422 naming the rule whose value is not a weekday');
SELECT throws_ok($$SELECT api.create_closure('00000000-0000-0000-0000-0000000000a1', gen_random_uuid(), '2038-12-24 00:00Z', '2038-12-25 00:00Z')$$,
                 'RB404', 'resource not found', 'create_closure: RB404 for an unknown resource');
SELECT throws_ok($$SELECT api.resource_closures('00000000-0000-0000-0000-0000000000a2', '00000000-0000-0000-0000-0000000000b1')$$,
                 'RB403', 'only the resource''s owner or an admin may manage its hours and closures', 'resource_closures: RB403 for a member');
SELECT lives_ok(format('SELECT api.delete_closure(%L, %L, %L)', :admin, :room_a, :'closure'), 'delete_closure: removes it');
SELECT throws_ok(format('SELECT api.delete_closure(%L, %L, %L)', :admin, :room_a, :'closure'),
                 'RB404', 'closure not found', 'delete_closure: RB404 the second time');

-- services --------------------------------------------------------------------------------------
SELECT api.create_service(:admin, '{"slug": "yoga", "name": "Yoga", "duration_minutes": 60, "price": "12.50",
    "resources": ["room-b", "room-a"]}') ->> 'id' AS yoga \gset
SELECT is(api.admin_service(:admin, :'yoga') - ARRAY['id', 'created_at', 'updated_at', 'description', 'buffer_before_minutes',
              'buffer_after_minutes', 'min_notice_minutes', 'max_advance_days', 'cancellation_cutoff_minutes', 'venue',
              'questions', 'reminder_offsets', 'requires_verified_email'],
          '{"slug": "yoga", "name": "Yoga", "duration_minutes": 60, "slot_step_minutes": 60, "price": "12.50",
            "currency": "EUR", "max_seats_per_booking": 1, "requires_confirmation": false, "visibility": "public",
            "starts_at": null, "ends_at": null, "active": true, "resources": ["room-a", "room-b"],
            "max_active_per_attendee": null}',
          'create_service: the step defaults to the duration; its resources linked');
SELECT throws_ok($$SELECT api.create_service('00000000-0000-0000-0000-0000000000a1', '{"slug": "x", "name": "X", "duration_minutes": 20}')$$,
                 '23514', NULL, 'create_service: the grid is the CHECK''s');
SELECT throws_ok($$SELECT api.create_service('00000000-0000-0000-0000-0000000000a1', '{"slug": "x", "name": "X"}')$$,
                 'RB422', 'duration_minutes: is required', 'create_service: RB422 for a missing duration');
SELECT throws_ok($$SELECT api.create_service('00000000-0000-0000-0000-0000000000a1', '{"slug": "x", "name": "X", "duration_minutes": 30, "resources": ["nope", "room-a", "gone"]}')$$,
                 'RB422', 'resources: no such resource: nope, gone', 'create_service: RB422 naming unknown resources');
SELECT throws_ok($$SELECT api.create_service('00000000-0000-0000-0000-0000000000a1', '{"slug": "x", "name": "X", "duration_minutes": 30, "resources": "room-a"}')$$,
                 'RB422', 'resources: must be a list of resource slugs', 'create_service: RB422 for resources that are no list');
SELECT throws_ok($$SELECT api.create_service('00000000-0000-0000-0000-0000000000a1', '{"slug": "x", "name": "X", "duration_minutes": 30, "visibility": "secret"}')$$,
                 'RB422', 'visibility: must be one of public, members, unlisted', 'create_service: RB422 for an unknown visibility');
SELECT throws_ok($$SELECT api.create_service('00000000-0000-0000-0000-0000000000a2', '{"slug": "x", "name": "X", "duration_minutes": 30}')$$,
                 'RB403', 'admins only', 'create_service: RB403 for a member');
SELECT is(api.update_service(:admin, :'yoga', '{"starts_at": "2038-07-01 18:00Z", "duration_minutes": 120}') -> 'ends_at',
          '"2038-07-01T20:00:00+00:00"', 'update_service: a fixed window lasting the new duration');
SELECT is(api.update_service(:admin, :'yoga', '{"duration_minutes": 90}') -> 'ends_at',
          '"2038-07-01T19:30:00+00:00"', 'update_service: a new duration moves the end of the window');
SELECT is(api.update_service(:admin, :'yoga', '{"starts_at": null}') -> 'starts_at', 'null', 'update_service: starts_at null makes it recurring');
SELECT throws_ok($$SELECT api.update_service('00000000-0000-0000-0000-0000000000a1', gen_random_uuid(), '{}')$$,
                 'RB404', 'service not found', 'update_service: RB404 for an unknown service');
SELECT is(api.set_service_resources(:admin, :'yoga', ARRAY['office']) -> 'resources', '["office"]',
          'set_service_resources: replaces its team');
SELECT is(api.set_service_active(:admin, :'yoga', false) -> 'active', 'false', 'set_service_active: deactivates');
SELECT throws_ok($$SELECT api.service_detail('yoga')$$, 'RB410', 'this service is no longer offered', 'service_detail: RB410 for an inactive service (issue 13: its link says so)');
SELECT is((SELECT array_agg(s ->> 'slug') FROM jsonb_array_elements(api.admin_services(:admin, 1, 3) -> 'data') s),
          ARRAY['approval', 'concert', 'consult'], 'admin_services: every service by slug, paged');
SELECT throws_ok($$SELECT api.admin_service('00000000-0000-0000-0000-0000000000a1', gen_random_uuid())$$,
                 'RB404', 'service not found', 'admin_service: RB404 for an unknown service');

-- the service detail: the same representation as the admin's, with its active resources ----------
SELECT is((api.service_detail('duo') - 'resources'), (api.admin_service(:admin, '00000000-0000-0000-0000-0000000000c2')
              - ARRAY['resources', 'active', 'created_at', 'updated_at']),
          'service_detail: the public fields are the admin''s minus the admin''s own');
SELECT is(api.service_detail('duo') -> 'resources' -> 0 ->> 'name', 'Room A', 'service_detail: with its resources');

-- bookings overview, export -------------------------------------------------------------------------
INSERT INTO saved SELECT 'm1', b.id FROM api.book_slot('consult', '2038-06-28 08:00Z', '{}', p_user => :member) b;
INSERT INTO saved SELECT 'g1', b.id FROM api.book_slot('duo', '2038-06-29 08:00Z', '{"name": "Gina 100%", "email": "gina@example.com"}') b;
SELECT is((SELECT array_agg(b ->> 'reference') FROM jsonb_array_elements(api.admin_bookings(:admin) -> 'data') b),
          ARRAY[(pg_temp.bk('g1')).reference, (pg_temp.bk('m1')).reference], 'admin_bookings: latest start first');
SELECT is(api.admin_bookings(:admin, p_q => '100%') -> 'meta' -> 'total', '1', 'admin_bookings: q finds a literal %');
SELECT is(api.admin_bookings(:admin, p_q => 'na 1_0') -> 'meta' -> 'total', '0', 'admin_bookings: _ in q is literal');
SELECT is(api.admin_bookings(:admin, p_service => 'duo', p_status => 'confirmed', p_from => '2038-06-29 00:00Z') -> 'meta' -> 'total', '1',
          'admin_bookings: filtered by service, status and date');
SELECT throws_ok($$SELECT api.admin_bookings('00000000-0000-0000-0000-0000000000a1', p_status => 'bogus')$$,
                 'RB422', 'status: must be one of held, pending, confirmed, cancelled, expired, declined',
                 'admin_bookings: RB422 for an unknown status');
SELECT throws_ok($$SELECT api.admin_bookings('00000000-0000-0000-0000-0000000000a2')$$, 'RB403', 'admins only',
                 'admin_bookings: RB403 for a member');
SELECT is((SELECT array_agg(attendee_name) FROM api.admin_bookings_export(:admin, p_q => 'gina')), ARRAY['Gina 100%'],
          'admin_bookings_export: the rows of the overview');
SELECT throws_ok($$SELECT * FROM api.admin_bookings_export('00000000-0000-0000-0000-0000000000a2')$$, 'RB403', 'admins only',
                 'admin_bookings_export: RB403 for a member');

-- outbox, audit ---------------------------------------------------------------------------------
SELECT ok((api.admin_notifications(:admin, 'pending') -> 'meta' ->> 'total')::integer >= 2, 'admin_notifications: pending ones');
SELECT throws_ok($$SELECT api.admin_notifications('00000000-0000-0000-0000-0000000000a1', 'lost')$$,
                 'RB422', 'status: must be one of pending, sending, sent, failed', 'admin_notifications: RB422 for an unknown status');
SELECT is((SELECT array_agg(a ->> 'action') FROM jsonb_array_elements(api.admin_audit(:admin, pg_temp.bid('m1')) -> 'data') a),
          ARRAY['created'], 'admin_audit: one booking''s trail');
SELECT throws_ok($$SELECT api.admin_audit('00000000-0000-0000-0000-0000000000a2')$$, 'RB403', 'admins only', 'admin_audit: RB403 for a member');

-- me --------------------------------------------------------------------------------------------
SELECT is(api.me(:member) ->> 'email', 'member@test.example', 'me: the profile');
SELECT throws_ok($$SELECT api.me(gen_random_uuid())$$, 'RB401', 'this account no longer exists', 'me: RB401 for a gone account');
SELECT is(api.my_bookings(:member) -> 'data' -> 0 ->> 'id', pg_temp.bid('m1')::text, 'my_bookings: the member''s own');
SELECT is(api.my_bookings(:member, p_statuses => ARRAY['cancelled']) -> 'meta' -> 'total', '0', 'my_bookings: filtered by status');
SELECT throws_ok($$SELECT api.my_bookings('00000000-0000-0000-0000-0000000000a2', p_statuses => ARRAY['lost'])$$,
                 'RB422', 'status: must be a comma-separated list of held, pending, confirmed, cancelled, expired, declined',
                 'my_bookings: RB422 for an unknown status');

-- the shared first step of set_booking_notes, cancel_booking, reschedule_booking, confirm/decline --
SELECT is((internal.lock_booking(pg_temp.bid('m1'), :member)).id, pg_temp.bid('m1'), 'lock_booking: the owner locks their booking');
SELECT is(current_setting('booker.actor'), '00000000-0000-0000-0000-0000000000a2', 'lock_booking: the actor is remembered for the audit');
SELECT throws_ok($$SELECT internal.lock_booking(pg_temp.bid('m1'), '00000000-0000-0000-0000-0000000000a4')$$,
                 'RB404', 'booking not found', 'lock_booking: RB404 for a stranger');

-- a DBA's admin day with api.* calls only: a resource and its hours, a service, book, confirm, cancel, export
SELECT api.create_resource(:admin, '{"slug": "day-room", "name": "Day room", "timezone": "UTC"}') ->> 'id' AS day_room \gset
SELECT is(jsonb_array_length(api.replace_availability_rules(:admin, :'day_room',
              (SELECT jsonb_agg(jsonb_build_object('weekday', d, 'start', '08:00', 'end', '18:00')) FROM generate_series(1, 7) d))), 7,
          'admin day: opening hours');
SELECT is(api.create_service(:admin, '{"slug": "day", "name": "Day", "duration_minutes": 60, "requires_confirmation": true,
              "max_advance_days": 5000, "resources": ["day-room"]}') -> 'resources', '["day-room"]', 'admin day: a service');
INSERT INTO saved SELECT 'day', b.id FROM api.book_slot('day', '2038-06-28 09:00Z', '{"name": "Dee", "email": "dee@example.com"}') b;
SELECT is((pg_temp.bk('day')).status::text, 'pending', 'admin day: booked, pending confirmation');
SELECT is((SELECT status::text FROM api.confirm_booking(pg_temp.bid('day'), :admin)), 'confirmed', 'admin day: confirmed');
SELECT is((SELECT status::text FROM api.cancel_booking(pg_temp.bid('day'), :admin, 'rain', true)), 'cancelled', 'admin day: cancelled');
SELECT is((SELECT array_agg(status || ' ' || attendee_name) FROM api.admin_bookings_export(:admin, p_service => 'day')),
          ARRAY['cancelled Dee'], 'admin day: exported');

SELECT * FROM finish();
ROLLBACK;
