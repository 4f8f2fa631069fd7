-- The account functions of POST /auth/register, /login, /refresh, /logout (issue 12):
-- register_user, login_user, issue_refresh_token, rotate_refresh_token, revoke_refresh_family.
BEGIN;
SELECT plan(14);
\ir fixtures.psql

SELECT is((SELECT email FROM api.register_user('New@Example.COM', 'New', 'hash-1')), 'new@example.com',
          'register_user: the email is stored lower-cased');
SELECT throws_ok($$SELECT * FROM api.register_user('NEW@example.com', 'Again', 'hash-2')$$, '23505', NULL,
                 'register_user: an email taken in any case is 23505');
SELECT is((SELECT password_hash FROM api.login_user('new@EXAMPLE.com')), 'hash-1', 'login_user: by email, any case');
SELECT is((SELECT role FROM api.login_user('admin@test.example')), 'admin', 'login_user: with the role');
UPDATE booking.users SET disabled_at = now() WHERE id = '00000000-0000-0000-0000-0000000000a4';
SELECT is((SELECT count(*)::int FROM api.login_user('other@test.example')), 0, 'login_user: no row for a disabled account');
SELECT throws_ok($$SELECT api.issue_refresh_token('00000000-0000-0000-0000-0000000000a4', 'h-x', 60)$$, 'RB401', NULL,
                 'issue_refresh_token: none for a disabled account');

SELECT api.issue_refresh_token('00000000-0000-0000-0000-0000000000a2', 'h-1', 3600) IS NULL AS issued \gset
SELECT is((SELECT outcome || ' ' || email FROM api.rotate_refresh_token('h-1', 'h-2', 3600)), 'ok member@test.example',
          'rotate_refresh_token: ok, with the account');
SELECT is((SELECT family_id FROM booking.refresh_tokens WHERE token_hash = 'h-2'),
          (SELECT family_id FROM booking.refresh_tokens WHERE token_hash = 'h-1'), 'rotate_refresh_token: same family');
SELECT is((SELECT outcome FROM api.rotate_refresh_token('h-1', 'h-3', 3600)), 'reused',
          'rotate_refresh_token: a rotated token again is reuse');
SELECT is((SELECT count(*)::int FROM booking.refresh_tokens WHERE token_hash IN ('h-1', 'h-2') AND revoked_at IS NULL), 0,
          'rotate_refresh_token: reuse revokes the whole family');
SELECT is((SELECT outcome FROM api.rotate_refresh_token('nope', 'h-4', 3600)), 'unknown', 'rotate_refresh_token: unknown token');
SELECT is((SELECT id FROM api.rotate_refresh_token('nope', 'h-4', 3600)), NULL, 'rotate_refresh_token: no account unless ok');

SELECT api.issue_refresh_token('00000000-0000-0000-0000-0000000000a2', 'h-5', 3600) IS NULL AS issued \gset
SELECT api.revoke_refresh_family('h-5') IS NULL AS revoked \gset
SELECT is((SELECT outcome FROM api.rotate_refresh_token('h-5', 'h-6', 3600)), 'reused',
          'revoke_refresh_family: a logged-out token is dead');
SELECT is(api.revoke_refresh_family('nope'), false, 'revoke_refresh_family: an unknown token revokes nothing');

SELECT * FROM finish();
ROLLBACK;
