-- The provider's workspace and email links (issue 13): api.provider_bookings,
-- api.provider_resources, api.me's provider flag, hours and closures managed by the
-- resource's owner, and the signed confirm/decline links of the "please confirm" email
-- (internal.hmac_sha256, api.claim_notifications' actions, api.email_action,
-- api.use_email_action). Provider ...0a3 owns room-a and hall; ...0a4 owns nothing.
BEGIN;
SELECT plan(67);
\ir fixtures.psql

\set admin '''00000000-0000-0000-0000-0000000000a1'''
\set member '''00000000-0000-0000-0000-0000000000a2'''
\set provider '''00000000-0000-0000-0000-0000000000a3'''
\set other '''00000000-0000-0000-0000-0000000000a4'''
\set room_a '''00000000-0000-0000-0000-0000000000b1'''
\set room_b '''00000000-0000-0000-0000-0000000000b2'''

-- HMAC-SHA256 (RFC 4231 test cases 1, 2 and 6: a short key, a text key, a key longer than a block)
SELECT is(encode(internal.hmac_sha256(decode(repeat('0b', 20), 'hex'), convert_to('Hi There', 'UTF8')), 'hex'),
          'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7', 'hmac_sha256: RFC 4231 case 1');
SELECT is(encode(internal.hmac_sha256(convert_to('Jefe', 'UTF8'), convert_to('what do ya want for nothing?', 'UTF8')), 'hex'),
          '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843', 'hmac_sha256: RFC 4231 case 2');
SELECT is(encode(internal.hmac_sha256(decode(repeat('aa', 131), 'hex'),
                 convert_to('Test Using Larger Than Block-Size Key - Hash Key First', 'UTF8')), 'hex'),
          '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54', 'hmac_sha256: RFC 4231 case 6');
SELECT ok((SELECT length(secret) >= 32 FROM booking.server_secrets WHERE name = 'email_action'),
          'the email action secret exists (made by the migration, 32 bytes or more)');

-- bookings on the provider's resources ---------------------------------------------------------
INSERT INTO saved SELECT 'a1', b.id FROM api.book_slot('consult', '2038-07-05 10:00Z', '{}', p_user => :member) b;
INSERT INTO saved SELECT 'a2', b.id FROM api.book_slot('concert', '2038-07-06 18:00Z', '{"name": "G", "email": "g@example.com"}', p_seats => 2) b;
INSERT INTO saved SELECT 'b1', b.id FROM api.book_slot('approval', '2038-07-05 12:00Z', '{}', p_user => :member) b;
INSERT INTO saved SELECT 'h1', b.id FROM api.hold_slot('consult', '2038-07-07 10:00Z') b;
SELECT is((SELECT array_agg(d ->> 'reference' ORDER BY d ->> 'starts_at') FROM jsonb_array_elements(api.provider_bookings(:provider) -> 'data') d),
          ARRAY[(pg_temp.bk('a1')).reference, (pg_temp.bk('a2')).reference],
          'provider_bookings: the bookings on the provider''s resources by start, not others'' nor holds');
SELECT is(api.provider_bookings(:provider) -> 'data' -> 1 -> 'attendee' ->> 'email', 'g@example.com',
          'provider_bookings: with the attendee (the provider may see them)');
SELECT is(api.provider_bookings(:provider, p_statuses => ARRAY['held']) -> 'meta' ->> 'total', '1',
          'provider_bookings: holds when asked for');
SELECT is(api.provider_bookings(:provider, '2038-07-06 00:00Z', '2038-07-07 00:00Z') -> 'data' -> 0 ->> 'service', 'concert',
          'provider_bookings: in a range');
SELECT is(api.provider_bookings(:provider, p_resource => :room_a) -> 'meta' ->> 'total', '1',
          'provider_bookings: of one of their resources');
SELECT throws_ok($$SELECT api.provider_bookings('00000000-0000-0000-0000-0000000000a3', p_resource => '00000000-0000-0000-0000-0000000000b2')$$,
                 'RB422', 'resource: is not one of your resources', 'provider_bookings: RB422 for another''s resource');
SELECT throws_ok($$SELECT api.provider_bookings('00000000-0000-0000-0000-0000000000a3', p_statuses => ARRAY['nope'])$$,
                 'RB422', NULL, 'provider_bookings: RB422 for an unknown status');
SELECT throws_ok($$SELECT api.provider_bookings('00000000-0000-0000-0000-0000000000a3', '2038-01-02', '2038-01-01')$$,
                 'RB422', 'to: must be after from', 'provider_bookings: RB422 for a range that ends before it starts');
SELECT throws_ok($$SELECT api.provider_bookings('00000000-0000-0000-0000-0000000000a3', p_limit => 201)$$,
                 'RB422', 'limit: must be at most 200', 'provider_bookings: RB422 for a page too large');
SELECT is(api.provider_bookings(:member), '{"data": [], "meta": {"total": 0, "page": 1, "limit": 50, "total_pages": 0}}',
          'provider_bookings: nothing for a user who owns no resource (not even their own bookings)');
SELECT is(api.provider_bookings(:admin) -> 'meta' ->> 'total', '0',
          'provider_bookings: an admin''s workspace is their own resources too (the admin pages show all)');

-- resources, and the provider flag -------------------------------------------------------------
SELECT is((SELECT array_agg(r ->> 'slug') FROM jsonb_array_elements(api.provider_resources(:provider)) r),
          ARRAY['hall', 'room-a'], 'provider_resources: the resources they own, by slug');
SELECT is(jsonb_array_length(api.provider_resources(:provider) -> 0 -> 'rules'), 7, 'provider_resources: with their weekly rules');
SELECT is(api.provider_resources(:other), '[]', 'provider_resources: empty for a user who owns none');
SELECT is(api.me(:provider) -> 'provider', 'true', 'me: provider true for a resource owner');
SELECT is(api.me(:member) -> 'provider', 'false', 'me: provider false for a member');

-- the provider's own hours and closures --------------------------------------------------------
SELECT is(jsonb_array_length(api.replace_availability_rules(:provider, :room_a,
              '[{"weekday": 1, "start": "09:00", "end": "12:00"}, {"weekday": 2, "start": "09:00", "end": "12:00"}]')), 2,
          'replace_availability_rules: the owner replaces their resource''s hours');
SELECT is(api.availability_rules(:provider, :room_a) -> 0 ->> 'end', '12:00', 'availability_rules: the owner reads them');
SELECT throws_ok($$SELECT api.replace_availability_rules('00000000-0000-0000-0000-0000000000a3', '00000000-0000-0000-0000-0000000000b2', '[]')$$,
                 'RB403', 'only the resource''s owner or an admin may manage its hours and closures',
                 'replace_availability_rules: RB403 for a provider on a resource they do not own');
SELECT throws_ok($$SELECT api.replace_availability_rules('00000000-0000-0000-0000-0000000000a4', '00000000-0000-0000-0000-0000000000b1', '[]')$$,
                 'RB403', NULL, 'replace_availability_rules: RB403 for another user');
SELECT throws_ok($$SELECT api.availability_rules('00000000-0000-0000-0000-0000000000a4', '00000000-0000-0000-0000-0000000000b1')$$,
                 'RB403', NULL, 'availability_rules: RB403 for another user');
SELECT throws_ok($$SELECT api.add_availability_rule('00000000-0000-0000-0000-0000000000a2', '00000000-0000-0000-0000-0000000000b1',
                     '{"weekday": 3, "start": "09:00", "end": "10:00"}')$$,
                 'RB403', NULL, 'add_availability_rule: RB403 for another user');
SELECT is(jsonb_array_length(api.add_availability_rule(:provider, :room_a, '{"weekday": 3, "start": "09:00", "end": "10:00"}')), 3,
          'add_availability_rule: the owner adds one');
SELECT throws_ok($$SELECT api.replace_availability_rules('00000000-0000-0000-0000-0000000000a3', gen_random_uuid(), '[]')$$,
                 'RB404', 'resource not found', 'replace_availability_rules: RB404 for an unknown resource');
SELECT is(jsonb_array_length(api.replace_availability_rules(:admin, :room_a, '[{"weekday": 1, "start": "08:00", "end": "18:00"}]')), 1,
          'replace_availability_rules: an admin still replaces anyone''s');
SELECT api.create_closure(:provider, :room_a, '2038-08-01 00:00Z', '2038-08-08 00:00Z', 'holiday') ->> 'id' AS closure \gset
SELECT is(api.resource_closures(:provider, :room_a) -> 0 ->> 'reason', 'holiday', 'create_closure: the owner closes their resource');
SELECT is(api.provider_resources(:provider) -> 1 -> 'closures' -> 0 ->> 'reason', 'holiday',
          'provider_resources: with the closures not yet ended');
SELECT throws_ok($$SELECT api.create_closure('00000000-0000-0000-0000-0000000000a3', '00000000-0000-0000-0000-0000000000b2',
                     '2038-08-01 00:00Z', '2038-08-02 00:00Z')$$,
                 'RB403', NULL, 'create_closure: RB403 for a provider on a resource they do not own');
SELECT throws_ok(format($$SELECT api.delete_closure('00000000-0000-0000-0000-0000000000a4', '00000000-0000-0000-0000-0000000000b1', %L)$$, :'closure'),
                 'RB403', NULL, 'delete_closure: RB403 for another user');
SELECT throws_ok(format($$SELECT api.resource_closures('00000000-0000-0000-0000-0000000000a2', '00000000-0000-0000-0000-0000000000b1')$$),
                 'RB403', NULL, 'resource_closures: RB403 for another user');
SELECT lives_ok(format($$SELECT api.delete_closure('00000000-0000-0000-0000-0000000000a3', '00000000-0000-0000-0000-0000000000b1', %L)$$, :'closure'),
                'delete_closure: the owner removes it');
SELECT is(api.resource_closures(:provider, :room_a), '[]', 'delete_closure: gone');

-- the email links ---------------------------------------------------------------------------------
-- approval needs confirmation; room-b gets an owner so that the provider acts on it.
UPDATE booking.resources SET owner_id = :provider WHERE id = :room_b;
INSERT INTO saved SELECT 'p1', b.id FROM api.book_slot('approval', '2038-07-12 12:00Z', '{}', p_user => :member) b;
INSERT INTO saved SELECT 'p2', b.id FROM api.book_slot('approval', '2038-07-12 14:00Z', '{}', p_user => :member) b;
INSERT INTO saved SELECT 'p3', b.id FROM api.book_slot('approval', '2038-07-12 16:00Z', '{}', p_user => :member) b;
CREATE TEMP TABLE claimed ON COMMIT DROP AS
SELECT c.* FROM api.claim_notifications('pgtap', 1000) c;
SELECT is((SELECT count(*) FROM claimed WHERE payload ? 'actions'),
          (SELECT count(*) FROM claimed WHERE kind = 'provider_new' AND payload ->> 'status' = 'pending'),
          'claim_notifications: action links on the provider''s "please confirm" rows, and on no other');
SELECT ok((SELECT count(*) FROM claimed WHERE payload ? 'actions') >= 3, 'claim_notifications: (there are such rows)');
SELECT ok(NOT EXISTS (SELECT 1 FROM booking.notification_log WHERE payload ? 'actions'),
          'the links are never stored in the outbox');
SELECT payload -> 'actions' ->> 'confirm' AS confirm1, payload -> 'actions' ->> 'decline' AS decline1
  FROM claimed WHERE booking_id = pg_temp.bid('p1') AND kind = 'provider_new' \gset
SELECT payload -> 'actions' ->> 'confirm' AS confirm2, payload -> 'actions' ->> 'decline' AS decline2
  FROM claimed WHERE booking_id = pg_temp.bid('p2') AND kind = 'provider_new' \gset
SELECT payload -> 'actions' ->> 'confirm' AS confirm3 FROM claimed WHERE booking_id = pg_temp.bid('p3') AND kind = 'provider_new' \gset
SELECT is((SELECT payload -> 'actions' ->> 'expires_at' FROM claimed WHERE booking_id = pg_temp.bid('p1') AND kind = 'provider_new'),
          to_jsonb(date_trunc('second', (SELECT created_at FROM booking.notification_log
                                           WHERE booking_id = pg_temp.bid('p1') AND kind = 'provider_new') + interval '7 days')) #>> '{}',
          'the links expire 7 days after the email (or at the start, when that is sooner)');
SELECT ok(:'confirm1' ~ ('^' || pg_temp.bid('p1') || '\.confirm\.[0-9]+\.[A-Za-z0-9_-]{43}$'), 'a link names its booking, action and expiry');
SELECT is((SELECT payload -> 'actions' ->> 'confirm' FROM api.claim_notifications('again', 1000) c
            WHERE c.booking_id = pg_temp.bid('p1') AND c.kind = 'provider_new'), NULL,
          '(claimed once)');
SELECT is((internal.with_email_actions((SELECT n FROM booking.notification_log n WHERE booking_id = pg_temp.bid('p1') AND kind = 'provider_new')))
              .payload -> 'actions' ->> 'confirm', :'confirm1', 'the same links on every attempt');

SELECT is(api.email_action(:'confirm1') - ARRAY['booking', 'expires_at', 'used_at'],
          '{"action": "confirm", "state": "open", "message": null}', 'email_action: an open link, nothing done yet');
SELECT is(api.email_action(:'confirm1') -> 'booking' ->> 'reference', (pg_temp.bk('p1')).reference,
          'email_action: shows the booking');
SELECT is((pg_temp.bk('p1')).status::text, 'pending', 'email_action: changes nothing (the page behind a GET)');
SELECT throws_ok(format('SELECT api.email_action(%L)', overlay(:'confirm1' placing 'A' from length(:'confirm1') - 5 for 1)),
                 'RB403', 'this link is not valid: it may have been cut short or changed. Sign in and open your provider workspace to answer the request',
                 'email_action: RB403 for a changed signature');
SELECT throws_ok(format('SELECT api.use_email_action(%L)', replace(:'confirm1', '.confirm.', '.decline.')),
                 'RB403', NULL, 'use_email_action: RB403 for a confirm link turned into a decline link');
SELECT throws_ok(format('SELECT api.use_email_action(%L)', replace(:'confirm1', pg_temp.bid('p1')::text, pg_temp.bid('p2')::text)),
                 'RB403', NULL, 'use_email_action: RB403 for a link pointed at another booking');
SELECT throws_ok(format('SELECT api.email_action(%L)', left(:'confirm1', 60)), 'RB403', NULL, 'email_action: RB403 for a link cut short');
SELECT throws_ok($$SELECT api.email_action(repeat('x', 100000))$$, 'RB403', NULL, 'email_action: RB403 for a huge one');
SELECT throws_ok($$SELECT api.email_action(NULL)$$, 'RB403', NULL, 'email_action: RB403 for none');

SELECT is(api.use_email_action(:'decline1', '  Fully booked that day ') ->> 'state', 'done', 'use_email_action: declines');
SELECT is(((pg_temp.bk('p1')).status::text, (pg_temp.bk('p1')).status_reason), ('declined'::text, 'Fully booked that day'::text),
          'use_email_action: declined, with the reason');
SELECT is((SELECT actor FROM booking.booking_audit WHERE booking_id = pg_temp.bid('p1') ORDER BY id DESC LIMIT 1),
          :provider::uuid, 'use_email_action: the audit trail names the resource''s owner');
SELECT is((SELECT count(*)::int FROM booking.notification_log WHERE booking_id = pg_temp.bid('p1') AND kind = 'customer_declined'), 1,
          'use_email_action: the attendee is told by the outbox');
SELECT throws_ok(format('SELECT api.use_email_action(%L)', :'decline1'), 'RB409', NULL, 'use_email_action: a link acts once');
SELECT alike(api.email_action(:'decline1') ->> 'message', 'This link was already used on % to decline the booking; it is now declined.',
            'email_action: a used link explains itself');
SELECT is(api.email_action(:'confirm1') - ARRAY['booking', 'expires_at', 'used_at'],
          '{"action": "confirm", "state": "decided", "message": "This request was already declined."}',
          'email_action: the other link of a decided booking says what happened');
SELECT throws_ok(format('SELECT api.use_email_action(%L)', :'confirm1'), 'RB409', 'This request was already declined.',
                 'use_email_action: RB409 for a booking no longer pending, in words');

SELECT is(api.use_email_action(:'confirm2') -> 'booking' ->> 'status', 'confirmed', 'use_email_action: confirms');
SELECT is(api.email_action(:'decline2') ->> 'message', 'This booking is already confirmed.',
          'email_action: "already confirmed"');
SELECT lives_ok(format('SELECT api.cancel_booking(%L, NULL)', pg_temp.bid('p3')), '(the attendee cancels)');
SELECT is(api.email_action(:'confirm3') ->> 'message', 'This booking was cancelled.', 'email_action: "this booking was cancelled"');

INSERT INTO saved SELECT 'p4', b.id FROM api.book_slot('approval', '2038-07-12 18:00Z', '{}', p_user => :member) b;
SELECT internal.email_action_token(pg_temp.bid('p4'), 'confirm', now() - interval '1 minute') AS expired \gset
SELECT is(api.email_action(:'expired') ->> 'state', 'expired', 'email_action: an expired link says so');
SELECT throws_ok(format('SELECT api.use_email_action(%L)', :'expired'), 'RB410', NULL, 'use_email_action: RB410 for an expired link');
SELECT is((pg_temp.bk('p4')).status::text, 'pending', 'use_email_action: an expired link changes nothing');

SELECT * FROM finish();
ROLLBACK;
