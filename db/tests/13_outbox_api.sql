-- The worker's outbox functions: claim (lease), mark sent / failed, release, retry.
BEGIN;
SELECT plan(27);
\ir fixtures.psql

-- Six outbox rows: three bookings with a customer and a provider email each.
SELECT count(*) AS booked FROM (
    SELECT api.book_slot('consult', t, '{"name": "A", "email": "a@example.com"}')
      FROM unnest(ARRAY['2038-06-28 08:00Z', '2038-06-28 10:00Z', '2038-06-28 12:00Z']::timestamptz[]) t) x \gset
SELECT is((SELECT count(*)::integer FROM booking.notification_log WHERE status = 'pending'), 6, 'six pending emails');

CREATE TEMP TABLE claimed ON COMMIT DROP AS SELECT * FROM api.claim_notifications('w1', 4, 120);
SELECT is((SELECT count(*)::integer FROM claimed), 4, 'claim_notifications: up to p_limit rows');
SELECT ok((SELECT bool_and(status = 'sending' AND attempts = 1 AND locked_by = 'w1' AND next_attempt_at = now() + interval '120 seconds')
             FROM claimed), 'claim_notifications: sending, one attempt, leased to the worker for p_lease_seconds');
SELECT is((SELECT array_agg(id ORDER BY id) FROM claimed),
          (SELECT (array_agg(id ORDER BY id))[1:4] FROM booking.notification_log), 'claim_notifications: oldest first');
SELECT is((SELECT count(*)::integer FROM api.claim_notifications('w2', 10)), 2, 'claim_notifications: another worker gets the rest');
SELECT is((SELECT count(*)::integer FROM api.claim_notifications('w3', 10)), 0, 'claim_notifications: leased rows are not due');

-- mark sent / failed
CREATE TEMP TABLE ids ON COMMIT DROP AS SELECT array_agg(id ORDER BY id) AS a FROM claimed;
SELECT is(api.mark_notifications_sent(ARRAY[(SELECT a[1] FROM ids)], 'w1'), 1, 'mark_notifications_sent: one row marked the first time');
SELECT is((SELECT (status::text, sent_at IS NOT NULL, locked_at) FROM booking.notification_log WHERE id = (SELECT a[1] FROM ids)),
          ('sent'::text, true, NULL::timestamptz), 'mark_notifications_sent: sent, with sent_at, lease cleared');
SELECT is(api.mark_notifications_sent(ARRAY[(SELECT a[1] FROM ids)], 'w1'), 0, 'mark_notifications_sent: none when already sent');
SELECT is(api.mark_notification_failed((SELECT a[2] FROM ids), 'w2', 'not my lease', 60), NULL,
          'mark_notification_failed: NULL for a worker without the lease');
SELECT is(api.mark_notification_failed((SELECT a[2] FROM ids), 'w1', '421 try later', 60)::text, 'pending',
          'mark_notification_failed: a transient failure goes back to pending');
SELECT is((SELECT (next_attempt_at, last_error, locked_by) FROM booking.notification_log WHERE id = (SELECT a[2] FROM ids)),
          (now() + interval '60 seconds', '421 try later'::text, NULL::text), 'mark_notification_failed: due after the delay, with the error');
SELECT is(api.mark_notification_failed((SELECT a[3] FROM ids), 'w1', '550 no such user')::text, 'failed',
          'mark_notification_failed: a permanent failure is failed');
UPDATE booking.notification_log SET attempts = max_attempts WHERE id = (SELECT a[4] FROM ids);
SELECT is(api.mark_notification_failed((SELECT a[4] FROM ids), 'w1', '421 try later', 60)::text, 'failed',
          'mark_notification_failed: failed once every attempt is used');

-- release
CREATE TEMP TABLE c2 ON COMMIT DROP AS SELECT id FROM booking.notification_log WHERE locked_by = 'w2' AND status = 'sending';
SELECT is(api.release_notifications((SELECT array_agg(id) FROM c2), 'w1'), 0, 'release_notifications: only the lease holder releases');
SELECT is(api.release_notifications((SELECT array_agg(id) FROM c2), 'w2'), 2, 'release_notifications: returns how many');
SELECT ok((SELECT bool_and(status = 'pending' AND attempts = 0 AND next_attempt_at = now() AND locked_by IS NULL)
             FROM booking.notification_log WHERE id IN (SELECT id FROM c2)),
          'release_notifications: pending, due now, the claim not counted as an attempt');

-- a worker that died: its lapsed lease is claimed again, or failed when attempts are used up
UPDATE booking.notification_log SET status = 'sending', locked_by = 'dead', next_attempt_at = now() - interval '1 second', attempts = 2
 WHERE id = (SELECT min(id) FROM c2);
UPDATE booking.notification_log SET status = 'sending', locked_by = 'dead', next_attempt_at = now() - interval '1 second', attempts = 8
 WHERE id = (SELECT max(id) FROM c2);
SELECT is((SELECT array_agg(attempts) FROM api.claim_notifications('w4', 10) WHERE id = (SELECT min(id) FROM c2)), ARRAY[3],
          'claim_notifications: a lapsed lease is claimed again (attempt 3)');
SELECT is((SELECT (status::text, last_error) FROM booking.notification_log WHERE id = (SELECT max(id) FROM c2)),
          ('failed'::text, 'lease of dead expired after attempt 8 of 8 (worker stopped?)'::text),
          'claim_notifications: a lapsed lease with no attempts left is failed');

-- retry
SELECT throws_ok($$SELECT api.retry_notification((SELECT a[3] FROM ids), '00000000-0000-0000-0000-0000000000a2')$$,
                 'RB403', 'only admins may retry notifications', 'retry_notification: RB403 for a member');
SELECT throws_ok($$SELECT api.retry_notification(-1)$$, 'RB404', 'notification not found', 'retry_notification: RB404 for an unknown row');
SELECT is((SELECT (status::text, attempts) FROM api.retry_notification((SELECT a[3] FROM ids), '00000000-0000-0000-0000-0000000000a1')),
          ('pending'::text, 0), 'retry_notification: an admin re-queues a failed row with fresh attempts');
SELECT is((SELECT status::text FROM api.retry_notification((SELECT a[1] FROM ids))), 'sent',
          'retry_notification: a row that did not fail is returned unchanged');
SELECT is((SELECT messages FROM report.notification_health WHERE status = 'failed'), 2::bigint,
          'notification_health: the failed rows');
SELECT is((SELECT messages FROM report.notification_health WHERE status = 'sent'), 1::bigint, 'notification_health: the sent row');
SELECT ok(has_function_privilege('booker_app', 'api.claim_notifications(text, integer, double precision)', 'EXECUTE'),
          'booker_app (the worker) may claim');
SELECT ok(NOT has_function_privilege('booker_report', 'api.retry_notification(bigint, uuid)', 'EXECUTE'),
          'booker_report may not retry');

SELECT * FROM finish();
ROLLBACK;
