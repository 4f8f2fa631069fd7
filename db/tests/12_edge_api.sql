-- The api functions the edge added: get_booking, set_booking_notes, availability,
-- service_catalogue; success paths and errors.
BEGIN;
SELECT plan(34);
\ir fixtures.psql

INSERT INTO booking.services (slug, name, description, duration_minutes, slot_step_minutes, max_advance_days, price, visibility, fixed_window, venue)
VALUES ('gala', 'Gala night', 'Black tie', 120, 60, 5000, 99, 'public', '[2038-09-01 18:00Z, 2038-09-01 20:00Z)', 'Opera House'),
       ('secret', 'Secret session', '', 60, 60, 5000, 0, 'unlisted', NULL, NULL),
       ('retired', 'Retired', '', 60, 60, 5000, 0, 'public', NULL, NULL);
UPDATE booking.services SET active = false WHERE slug = 'retired';
INSERT INTO booking.service_resources SELECT id, '00000000-0000-0000-0000-0000000000b3' FROM booking.services WHERE slug = 'gala';
INSERT INTO booking.service_resources SELECT id, '00000000-0000-0000-0000-0000000000b1' FROM booking.services WHERE slug IN ('secret', 'retired');

INSERT INTO saved SELECT 'm1', b.id FROM api.book_slot('consult', '2038-06-28 08:00Z', '{}', p_user => '00000000-0000-0000-0000-0000000000a2') b;
INSERT INTO saved SELECT 'g1', b.id FROM api.book_slot('duo', '2038-06-28 08:00Z', '{"name": "Gina", "email": "gina@example.com"}',
    p_resource => '00000000-0000-0000-0000-0000000000b2') b;
INSERT INTO saved SELECT 'x1', b.id FROM api.book_slot('gala', '2038-09-01 18:00Z', '{"name": "Hal", "email": "hal@example.com"}', p_seats => 1) b;

-- get_booking -------------------------------------------------------------------------------------
SELECT is((SELECT id FROM api.get_booking(pg_temp.bid('m1'), '00000000-0000-0000-0000-0000000000a2')), pg_temp.bid('m1'),
          'get_booking: the customer sees their booking');
SELECT is((SELECT id FROM api.get_booking(pg_temp.bid('m1'), '00000000-0000-0000-0000-0000000000a3')), pg_temp.bid('m1'),
          'get_booking: the resource owner sees it');
SELECT is((SELECT id FROM api.get_booking(pg_temp.bid('g1'), '00000000-0000-0000-0000-0000000000a1')), pg_temp.bid('g1'),
          'get_booking: an admin sees a guest''s booking');
SELECT is((SELECT id FROM api.get_booking(pg_temp.bid('g1'), NULL)), pg_temp.bid('g1'),
          'get_booking: a guest with a verified manage token (NULL actor) sees it');
SELECT throws_ok($$SELECT api.get_booking(pg_temp.bid('m1'), '00000000-0000-0000-0000-0000000000a4')$$,
                 'RB404', 'booking not found', 'get_booking: RB404 for a stranger');
SELECT throws_ok($$SELECT api.get_booking(pg_temp.bid('g1'), '00000000-0000-0000-0000-0000000000a4')$$,
                 'RB404', 'booking not found', 'get_booking: RB404 for a stranger on a guest booking');
SELECT throws_ok($$SELECT api.get_booking(gen_random_uuid(), NULL)$$, 'RB404', 'booking not found',
                 'get_booking: RB404 for an unknown booking');

-- set_booking_notes ---------------------------------------------------------------------------------
SELECT is((SELECT notes FROM api.set_booking_notes(pg_temp.bid('m1'), '00000000-0000-0000-0000-0000000000a2', '  Wheelchair  ')),
          'Wheelchair', 'set_booking_notes: trimmed notes');
SELECT is((SELECT action FROM booking.booking_audit WHERE booking_id = pg_temp.bid('m1') ORDER BY id DESC LIMIT 1), 'updated',
          'set_booking_notes: audited as updated');
SELECT is((SELECT count(*)::integer FROM booking.notification_log WHERE booking_id = pg_temp.bid('m1')), 2,
          'set_booking_notes: no email');
SELECT is((SELECT notes FROM api.set_booking_notes(pg_temp.bid('m1'), NULL, '   ')), NULL, 'set_booking_notes: blank notes clear them');
SELECT throws_ok($$SELECT api.set_booking_notes(pg_temp.bid('m1'), NULL, repeat('x', 2001))$$,
                 'RB422', 'notes: is longer than 2000 characters', 'set_booking_notes: RB422 for long notes');
SELECT throws_ok($$SELECT api.set_booking_notes(pg_temp.bid('g1'), '00000000-0000-0000-0000-0000000000a4', 'hi')$$,
                 'RB404', 'booking not found', 'set_booking_notes: RB404 for a stranger');
SELECT throws_ok($$SELECT api.set_booking_notes(gen_random_uuid(), NULL, 'hi')$$,
                 'RB404', 'booking not found', 'set_booking_notes: RB404 for an unknown booking');

-- availability ----------------------------------------------------------------------------------------
SELECT is((SELECT array_agg(resource || ' ' || to_char(starts_at AT TIME ZONE 'UTC', 'HH24:MI') ORDER BY resource, starts_at)
             FROM api.availability('duo', '2038-06-28 07:30Z', '2038-06-28 09:30Z')),
          ARRAY['room-a 07:30', 'room-a 09:00', 'room-b 07:30', 'room-b 08:30', 'room-b 09:00'],
          'availability: one row per resource and free slot');
SELECT is((SELECT array_agg(DISTINCT (resource, timezone)::text) FROM api.availability('duo', '2038-06-28 07:30Z', '2038-06-28 08:30Z', 'room-b')),
          ARRAY['(room-b,Europe/Berlin)'], 'availability: narrowed to one resource by slug');
SELECT is((SELECT count(*)::integer FROM api.availability('duo', '2038-06-28 07:30Z', '2038-06-28 08:30Z', '00000000-0000-0000-0000-0000000000b1')), 1,
          'availability: narrowed to one resource by id');
SELECT is((SELECT seats_left FROM api.availability('gala', '2038-09-01 00:00Z', '2038-09-02 00:00Z')), 9,
          'availability: seats left on the resource');
SELECT throws_ok($$SELECT * FROM api.availability('duo', '2038-06-28 07:30Z', '2038-06-28 08:30Z', 'office')$$,
                 'RB404', 'resource not found', 'availability: RB404 for a resource the service does not use');
SELECT throws_ok($$SELECT * FROM api.availability('nope', '2038-06-28 07:30Z', '2038-06-28 08:30Z')$$,
                 'RB404', 'service not found', 'availability: RB404 for an unknown service');
SELECT throws_ok($$SELECT * FROM api.availability('duo', '2038-06-28 08:30Z', '2038-06-28 07:30Z')$$,
                 'RB422', 'to: must be after from', 'availability: RB422 for a reversed range');

-- service_catalogue -----------------------------------------------------------------------------------
SELECT is((SELECT array_agg(service ->> 'slug' ORDER BY service ->> 'slug') FROM jsonb_array_elements(api.service_catalogue(p_limit => 50) -> 'data') service),
          ARRAY['approval', 'concert', 'consult', 'duo', 'gala', 'office', 'strict'],
          'service_catalogue: active public services only (no members-only, unlisted or inactive)');
SELECT ok((SELECT bool_or(service ->> 'slug' = 'members') FROM jsonb_array_elements(api.service_catalogue(p_limit => 50, p_members => true) -> 'data') service),
          'service_catalogue: members-only services for members');
SELECT ok(NOT (SELECT bool_or(service ->> 'slug' = 'secret') FROM jsonb_array_elements(api.service_catalogue(p_limit => 50, p_members => true) -> 'data') service),
          'service_catalogue: unlisted services are never listed');
SELECT is((SELECT array_agg(service ->> 'slug') FROM jsonb_array_elements(api.service_catalogue('opera') -> 'data') service), ARRAY['gala'],
          'service_catalogue: searches the venue');
SELECT is((SELECT array_agg(service ->> 'slug') FROM jsonb_array_elements(api.service_catalogue('100%') -> 'data') service), NULL::text[],
          'service_catalogue: % in the search is literal');
SELECT is((SELECT array_agg(service ->> 'slug') FROM jsonb_array_elements(api.service_catalogue(p_sort => 'price', p_descending => true, p_limit => 2) -> 'data') service),
          ARRAY['gala', 'consult'], 'service_catalogue: sorted by price, descending, limited');
SELECT is(api.service_catalogue(p_limit => 2, p_page => 2) -> 'meta', '{"total": 7, "page": 2, "limit": 2, "total_pages": 4}',
          'service_catalogue: total counts every match, not the page');
SELECT is(api.service_catalogue(p_limit => 2, p_page => 9) -> 'meta' -> 'total', '7',
          'service_catalogue: the total past the last page too');
SELECT throws_ok($$SELECT api.service_catalogue(p_sort => 'colour')$$, 'RB422', 'sort: must be one of name, price, starts_at',
                 'service_catalogue: RB422 for an unknown sort');
SELECT throws_ok($$SELECT api.service_catalogue(p_limit => 51)$$, 'RB422', 'limit: must be at most 50',
                 'service_catalogue: RB422 for a page too large');
SELECT is((SELECT service -> 'seats_left' FROM jsonb_array_elements(api.service_catalogue('gala') -> 'data') service), '9'::jsonb,
          'service_catalogue: seats left of a one-off event');
SELECT is((SELECT service ->> 'next_available' FROM jsonb_array_elements(api.service_catalogue('gala') -> 'data') service), '2038-09-01T18:00:00+00:00',
          'service_catalogue: the next bookable slot of a one-off event');

-- applied_migrations ---------------------------------------------------------------------------------
SELECT ok((SELECT bool_or(migration_id = '0001.create-schema') FROM api.applied_migrations()),
          'applied_migrations: lists the applied yoyo migrations');

SELECT * FROM finish();
ROLLBACK;
