-- Issue 14, accounts: password reset and email verification tokens (single use, expiring,
-- stored hashed, same answer for an unknown email), profile and password change (other
-- sign-ins revoked), and the verified-email rule of book_slot.
BEGIN;
SELECT plan(33);
\ir fixtures.psql

-- password reset
SELECT lives_ok($$SELECT api.request_password_reset('nobody@test.example', '00000000-0000-0000-0000-00000000f001', 'h-nobody')$$,
                'request_password_reset: an unknown email answers as a known one');
SELECT is((SELECT count(*)::int FROM booking.account_tokens WHERE token_hash = 'h-nobody'), 0,
          'request_password_reset: nothing stored for an unknown email');
SELECT is((SELECT count(*)::int FROM booking.notification_log WHERE recipient = 'nobody@test.example'), 0,
          'request_password_reset: nothing sent for an unknown email');
SELECT api.request_password_reset('MEMBER@test.example', '00000000-0000-0000-0000-00000000f002', 'h-r1') IS NULL AS r \gset
SELECT api.request_password_reset('member@test.example', '00000000-0000-0000-0000-00000000f003', 'h-r2') IS NULL AS r \gset
SELECT is((SELECT count(*)::int FROM booking.notification_log
            WHERE kind = 'account_password_reset' AND recipient = 'member@test.example' AND booking_id IS NULL), 2,
          'request_password_reset: each request queues an email, by user, not booking');
SELECT is((SELECT payload ->> 'token_id' FROM booking.notification_log
            WHERE kind = 'account_password_reset' ORDER BY id DESC LIMIT 1), '00000000-0000-0000-0000-00000000f003',
          'request_password_reset: the payload names the token id');
SELECT is((SELECT count(*)::int FROM booking.notification_log WHERE kind = 'account_password_reset'
             AND (payload::text LIKE '%h-r1%' OR payload::text LIKE '%h-r2%')), 0,
          'request_password_reset: the payload never carries the token hash');
SELECT is((pg_temp.err($$SELECT api.reset_password('h-r1', 'new-hash')$$)) #>> '{detail,errors,token}',
          'is not valid or has expired; ask for a new link', 'reset_password: a retired (earlier) token is refused');
UPDATE booking.users SET disabled_at = NULL WHERE id = '00000000-0000-0000-0000-0000000000a2';
SELECT api.issue_refresh_token('00000000-0000-0000-0000-0000000000a2', 'rt-1', 3600) IS NULL AS i \gset
SELECT api.issue_refresh_token('00000000-0000-0000-0000-0000000000a2', 'rt-2', 3600) IS NULL AS i \gset
SELECT is(api.reset_password('h-r2', 'new-hash'), '00000000-0000-0000-0000-0000000000a2'::uuid,
          'reset_password: the latest token sets the password');
SELECT is((SELECT password_hash FROM booking.users WHERE id = '00000000-0000-0000-0000-0000000000a2'), 'new-hash',
          'reset_password: the new hash is stored');
SELECT is((SELECT count(*)::int FROM booking.refresh_tokens
            WHERE user_id = '00000000-0000-0000-0000-0000000000a2' AND revoked_at IS NULL), 0,
          'reset_password: every sign-in is revoked');
SELECT is(api.caller('00000000-0000-0000-0000-0000000000a2', now() - interval '1 minute'), NULL,
          'reset_password: an access token issued before is refused');
SELECT ok((SELECT email_verified_at IS NOT NULL FROM booking.users WHERE id = '00000000-0000-0000-0000-0000000000a2'),
          'reset_password: the address counts as verified');
SELECT throws_ok($$SELECT api.reset_password('h-r2', 'again')$$, 'RB422', NULL, 'reset_password: single use');
SELECT throws_ok($$SELECT api.reset_password('unknown', 'x')$$, 'RB422', NULL, 'reset_password: unknown token');
SELECT api.request_password_reset('other@test.example', '00000000-0000-0000-0000-00000000f004', 'h-r3') IS NULL AS r \gset
UPDATE booking.account_tokens SET created_at = now() - interval '2 hours', expires_at = now() - interval '1 hour'
 WHERE token_hash = 'h-r3';
SELECT throws_ok($$SELECT api.reset_password('h-r3', 'x')$$, 'RB422', NULL, 'reset_password: expired token');
SELECT throws_ok($$SELECT api.request_password_reset('other@test.example', '00000000-0000-0000-0000-00000000f005', 'h-r4', 5)$$,
                 'RB422', NULL, 'request_password_reset: a lifetime under a minute is refused');

-- email verification
SELECT is(api.request_email_verification('00000000-0000-0000-0000-0000000000a2', '00000000-0000-0000-0000-00000000f006', 'h-v0'),
          false, 'request_email_verification: nothing for a verified address');
SELECT is(api.request_email_verification('00000000-0000-0000-0000-0000000000a4', '00000000-0000-0000-0000-00000000f007', 'h-v1'),
          true, 'request_email_verification: a token for an unverified address');
SELECT is((SELECT count(*)::int FROM booking.notification_log WHERE kind = 'account_verify_email'
             AND recipient = 'other@test.example'), 1, 'request_email_verification: the email is queued');
SELECT throws_ok($$SELECT api.verify_email('h-r3')$$, 'RB422', NULL, 'verify_email: a reset token does not verify');
SELECT is(api.verify_email('h-v1') ->> 'email_verified', 'true', 'verify_email: the address is verified');
SELECT throws_ok($$SELECT api.verify_email('h-v1')$$, 'RB422', NULL, 'verify_email: single use');
SELECT api.request_email_verification('00000000-0000-0000-0000-0000000000a3', '00000000-0000-0000-0000-00000000f008', 'h-v2') IS NULL AS r \gset
UPDATE booking.users SET email = 'changed@test.example' WHERE id = '00000000-0000-0000-0000-0000000000a3';
SELECT throws_ok($$SELECT api.verify_email('h-v2')$$, 'RB422', NULL,
                 'verify_email: a link for an address the account no longer has is refused');

-- profile and password change
SELECT is(api.update_profile('00000000-0000-0000-0000-0000000000a4', '{"name": " Otto ", "time_zone": "Europe/Berlin"}')
          - 'created_at' - 'id' - 'provider', '{"name": "Otto", "time_zone": "Europe/Berlin", "email": "other@test.example",
          "role": "member", "email_verified": true}'::jsonb, 'update_profile: name and zone');
SELECT is((pg_temp.err($$SELECT api.update_profile('00000000-0000-0000-0000-0000000000a4', '{"time_zone": "Mars/Base"}')$$))
          #>> '{detail,errors,time_zone}', 'is not a known time zone (e.g. Europe/Berlin)', 'update_profile: unknown zone');
SELECT is((pg_temp.err($$SELECT api.update_profile('00000000-0000-0000-0000-0000000000a4', '{"name": "  "}')$$))
          #>> '{detail,errors,name}', 'is required', 'update_profile: blank name');
SELECT api.issue_refresh_token('00000000-0000-0000-0000-0000000000a4', 'rt-keep', 3600) IS NULL AS i \gset
SELECT api.issue_refresh_token('00000000-0000-0000-0000-0000000000a4', 'rt-other', 3600) IS NULL AS i \gset
SELECT is(api.change_password('00000000-0000-0000-0000-0000000000a4', 'pw-2', 'rt-keep'), 1,
          'change_password: the other sign-in is revoked');
SELECT is((SELECT array_agg(token_hash ORDER BY token_hash) FROM booking.refresh_tokens
            WHERE user_id = '00000000-0000-0000-0000-0000000000a4' AND revoked_at IS NULL), ARRAY['rt-keep'],
          'change_password: the caller''s own sign-in stays');
SELECT is(api.account_password_hash('00000000-0000-0000-0000-0000000000a4'), 'pw-2', 'account_password_hash: the new hash');

-- a service that requires a verified email
UPDATE booking.services SET requires_verified_email = true, visibility = 'public' WHERE slug = 'consult';
SELECT is((pg_temp.err($$SELECT api.book_slot('consult', '2038-06-07 10:00+00', p_user => '00000000-0000-0000-0000-0000000000a1')$$))
          ->> 'state', 'RB403', 'book_slot: an unverified member is refused (403)');
SELECT ok((pg_temp.err($$SELECT api.book_slot('consult', '2038-06-07 10:00+00', p_user => '00000000-0000-0000-0000-0000000000a1')$$))
          ->> 'message' LIKE '%requires_verified_email%', 'book_slot: the refusal names the rule');
SELECT is((pg_temp.err($$SELECT api.book_slot('consult', '2038-06-07 10:00+00', '{"name": "G", "email": "g@test.example"}')$$))
          ->> 'state', 'RB403', 'book_slot: a guest has no verified address');
SELECT is((SELECT status::text FROM api.book_slot('consult', '2038-06-07 10:00+00', p_user => '00000000-0000-0000-0000-0000000000a4')),
          'confirmed', 'book_slot: a verified member books');

SELECT * FROM finish();
ROLLBACK;
