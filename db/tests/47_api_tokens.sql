-- The API-token functions of /me/tokens and the guest credential of X-Manage-Token (issue 12):
-- api_tokens, create_api_token, revoke_api_token, guest_credential.
BEGIN;
SELECT plan(11);
\ir fixtures.psql

SELECT id AS token FROM api.create_api_token('00000000-0000-0000-0000-0000000000a2', 'CI', 'h-ci', 'bk_ci', 30) \gset
SELECT is((SELECT name || ' ' || prefix FROM api.api_tokens('00000000-0000-0000-0000-0000000000a2')), 'CI bk_ci',
          'create_api_token: listed by api_tokens');
SELECT ok((SELECT expires_at BETWEEN now() + interval '29 days' AND now() + interval '31 days'
             FROM api.api_tokens('00000000-0000-0000-0000-0000000000a2')),
          'create_api_token: p_days sets the expiry');
SELECT throws_ok($$SELECT * FROM api.create_api_token('00000000-0000-0000-0000-0000000000a2', 'CI', 'h-0', 'bk_0', 0)$$,
                 'RB422', 'expires_in_days: must be between 1 and 3650', 'create_api_token: RB422 for a lifetime of 0 days');
SELECT throws_ok($$SELECT * FROM api.create_api_token('00000000-0000-0000-0000-0000000000a2', ' ', 'h-1', 'bk_1')$$,
                 'RB422', 'name: must be 1 to 100 characters', 'create_api_token: RB422 for a blank name');
SELECT is((SELECT user_id FROM api.api_token_caller('h-ci')), '00000000-0000-0000-0000-0000000000a2'::uuid,
          'create_api_token: the token acts for its account');
SELECT is(api.revoke_api_token('00000000-0000-0000-0000-0000000000a4', :'token'), false,
          'revoke_api_token: another account cannot revoke it');
SELECT is(api.revoke_api_token('00000000-0000-0000-0000-0000000000a2', :'token'), true,
          'revoke_api_token: its owner revokes it');
SELECT is((SELECT count(*)::int FROM api.api_tokens('00000000-0000-0000-0000-0000000000a2')), 0,
          'revoke_api_token: a revoked token is no longer listed');
UPDATE booking.users SET disabled_at = now() WHERE id = '00000000-0000-0000-0000-0000000000a2';
SELECT throws_ok($$SELECT * FROM api.create_api_token('00000000-0000-0000-0000-0000000000a2', 'x', 'h-x', 'bk_x')$$,
                 'RB401', NULL, 'create_api_token: none for a disabled account');

SELECT (api.book_slot('consult', '2038-06-21 08:00Z', '{"name": "G", "email": "g@example.com"}')).id AS guest_booking \gset
SELECT is((SELECT guest FROM api.guest_credential(:'guest_booking')), true, 'guest_credential: a guest''s booking');
SELECT is((SELECT count(*)::int FROM api.guest_credential(gen_random_uuid())), 0,
          'guest_credential: no row for an unknown booking');

SELECT * FROM finish();
ROLLBACK;
