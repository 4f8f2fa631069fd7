-- Abuse limits (issue 9): api.rate_limit / rate_limit_check / rate_limit_reset (a fixed window per
-- bucket and key), api.hold_slot_for_client (open holds per address and per account), the
-- per-request caller checks api.caller / api.api_token_caller, and the token triggers on users.
BEGIN;
SELECT plan(31);
\ir fixtures.psql

-- rate_limit ----------------------------------------------------------------------------------------
SELECT is(api.rate_limit('register', '192.0.2.1', 2, 60), 1, 'rate_limit: the first request counts 1');
SELECT is(api.rate_limit('register', '192.0.2.1', 2, 60), 2, 'rate_limit: the second counts 2');
SELECT throws_ok($$SELECT api.rate_limit('register', '192.0.2.1', 2, 60)$$, 'RB429', NULL,
                 'rate_limit: the third in the window raises RB429');
SELECT is((SELECT hits FROM booking.rate_limits WHERE bucket = 'register' AND key = '192.0.2.1'), 2,
          'rate_limit: a refused request is not counted (the window does not grow)');
SELECT is(api.rate_limit('register', '192.0.2.2', 2, 60), 1, 'rate_limit: another key has its own count');
SELECT is(api.rate_limit('holds', '192.0.2.1', 2, 60), 1, 'rate_limit: another bucket has its own count');
SELECT is(api.rate_limit('register', '192.0.2.1', 2, 60, p_raise => false), 3,
          'rate_limit: p_raise => false counts without refusing');
-- the DETAIL carries retry_after, which the edge sends as Retry-After
CREATE FUNCTION pg_temp.detail(p_sql text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE v_detail text;
BEGIN
    EXECUTE p_sql;
    RETURN NULL;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL;
    RETURN v_detail::jsonb;
END $$;
SELECT ok((pg_temp.detail($$SELECT api.rate_limit('register', '192.0.2.1', 2, 60)$$)->>'retry_after')::int BETWEEN 1 AND 60,
          'rate_limit: RB429 says how many seconds to wait');
-- a window that has ended starts over
UPDATE booking.rate_limits SET window_start = now() - interval '2 minutes', window_end = now() - interval '1 minute'
 WHERE bucket = 'register' AND key = '192.0.2.1';
SELECT is(api.rate_limit('register', '192.0.2.1', 2, 60), 1, 'rate_limit: after the window the count starts over');
SELECT throws_ok($$SELECT api.rate_limit('register', 'x', 0, 60)$$, 'RB422', NULL, 'rate_limit: a limit below 1 is refused');

-- rate_limit_check / rate_limit_reset ----------------------------------------------------------------
SELECT lives_ok($$SELECT api.rate_limit_check('login', '192.0.2.9 a@b.c', 2)$$, 'rate_limit_check: nothing counted, nothing refused');
SELECT api.rate_limit('login', '192.0.2.9 a@b.c', 2, 300, false) AS n \gset
SELECT lives_ok($$SELECT api.rate_limit_check('login', '192.0.2.9 a@b.c', 2)$$, 'rate_limit_check: under the limit');
SELECT api.rate_limit('login', '192.0.2.9 a@b.c', 2, 300, false) AS n \gset
SELECT throws_ok($$SELECT api.rate_limit_check('login', '192.0.2.9 a@b.c', 2)$$, 'RB429', NULL,
                 'rate_limit_check: at the limit it refuses');
SELECT lives_ok($$SELECT api.rate_limit_check('login', '192.0.2.9 a@b.c', NULL)$$, 'rate_limit_check: a NULL limit is no limit');
SELECT lives_ok($$SELECT api.rate_limit_check('login', '198.51.100.1 a@b.c', 2)$$,
                'rate_limit_check: the same email from another address is not locked');
SELECT api.rate_limit_reset('login', '192.0.2.9 a@b.c') IS NULL AS reset \gset
SELECT lives_ok($$SELECT api.rate_limit_check('login', '192.0.2.9 a@b.c', 2)$$, 'rate_limit_reset: forgets the count');

-- sweep ------------------------------------------------------------------------------------------------
UPDATE booking.rate_limits SET window_start = now() - interval '2 hours', window_end = now() - interval '1 hour';
SELECT ok(api.sweep_rate_limits() >= 1, 'sweep_rate_limits: deletes ended windows');
SELECT is((SELECT count(*)::int FROM booking.rate_limits), 0, 'sweep_rate_limits: none left');

-- hold_slot_for_client -----------------------------------------------------------------------------------
INSERT INTO saved SELECT 'c1', b.id FROM api.hold_slot_for_client('192.0.2.5', 2, 'consult', '2038-08-02 08:00Z') b;
INSERT INTO saved SELECT 'c2', b.id FROM api.hold_slot_for_client('192.0.2.5', 2, 'consult', '2038-08-02 09:00Z') b;
SELECT is((pg_temp.bk('c2')).status::text, 'held', 'hold_slot_for_client: holds like hold_slot');
SELECT throws_ok($$SELECT api.hold_slot_for_client('192.0.2.5', 2, 'consult', '2038-08-02 10:00Z')$$, 'RB429', NULL,
                 'hold_slot_for_client: the third open hold from one address is refused');
SELECT lives_ok($$SELECT api.hold_slot_for_client('192.0.2.6', 2, 'consult', '2038-08-02 10:00Z')$$,
                'hold_slot_for_client: another address may hold');
SELECT (api.book_slot('consult', '2038-08-02 08:00Z', '{"name": "A", "email": "a@example.com"}', p_hold => pg_temp.bid('c1'))).id AS booked \gset
SELECT lives_ok($$SELECT api.hold_slot_for_client('192.0.2.5', 2, 'consult', '2038-08-02 11:00Z')$$,
                'hold_slot_for_client: a hold that became a booking is no longer open');
SELECT lives_ok($$SELECT api.hold_slot_for_client('192.0.2.7', 1, 'consult', '2038-08-03 08:00Z', p_user => '00000000-0000-0000-0000-0000000000a2')$$,
                'hold_slot_for_client: an account holds');
SELECT throws_ok($$SELECT api.hold_slot_for_client('192.0.2.8', 1, 'consult', '2038-08-03 09:00Z', p_user => '00000000-0000-0000-0000-0000000000a2')$$,
                 'RB429', NULL, 'hold_slot_for_client: the cap counts per account across addresses');

-- caller / api_token_caller -------------------------------------------------------------------------------
SELECT is(api.caller('00000000-0000-0000-0000-0000000000a1'), 'admin', 'caller: the current role');
INSERT INTO booking.api_tokens (user_id, name, token_hash, prefix)
VALUES ('00000000-0000-0000-0000-0000000000a4', 'ci', 'hash-of-a4', 'bk_x');
SELECT is((SELECT role FROM api.api_token_caller('hash-of-a4')), 'member', 'api_token_caller: the token''s account and role');
UPDATE booking.users SET disabled_at = now() WHERE id = '00000000-0000-0000-0000-0000000000a4';
SELECT is(api.caller('00000000-0000-0000-0000-0000000000a4'), NULL, 'caller: NULL for a disabled account');
SELECT is((SELECT revoked_at IS NOT NULL FROM booking.api_tokens WHERE token_hash = 'hash-of-a4'), true,
          'disabling an account revokes its API tokens');
UPDATE booking.users SET disabled_at = NULL WHERE id = '00000000-0000-0000-0000-0000000000a4';
SELECT is((SELECT count(*)::int FROM api.api_token_caller('hash-of-a4')), 0, 're-enabling revives no token');
SELECT is(api.caller('00000000-0000-0000-0000-0000000000a4', now() - interval '1 minute'), NULL,
          'caller: an access token issued before the account was disabled stays refused after re-enabling');
SELECT is(api.caller('00000000-0000-0000-0000-0000000000a4', clock_timestamp() + interval '1 second'), 'member',
          'caller: a token issued after re-enabling is accepted');

SELECT * FROM finish();
ROLLBACK;
