-- Short outbox leases renewed by their worker (api.renew_notifications), and
-- report.notification_health showing each status's own errors (issue 9).
BEGIN;
SELECT plan(8);
\ir fixtures.psql

SELECT count(*) AS booked FROM (
    SELECT api.book_slot('consult', t, '{"name": "A", "email": "a@example.com"}')
      FROM unnest(ARRAY['2038-06-28 08:00Z', '2038-06-28 10:00Z']::timestamptz[]) t) x \gset

CREATE TEMP TABLE claimed ON COMMIT DROP AS SELECT * FROM api.claim_notifications('w1', 2);
SELECT ok((SELECT bool_and(next_attempt_at = now() + interval '30 seconds') FROM claimed),
          'claim_notifications: the default lease is 30 seconds');
CREATE TEMP TABLE ids ON COMMIT DROP AS SELECT array_agg(id ORDER BY id) AS a FROM claimed;
SELECT is(api.renew_notifications((SELECT a FROM ids), 'w2', 60), 0, 'renew_notifications: not for another worker''s leases');
SELECT is(api.renew_notifications((SELECT a FROM ids), 'w1', 60), 2, 'renew_notifications: the holder extends its leases');
SELECT ok((SELECT bool_and(next_attempt_at = now() + interval '60 seconds' AND status = 'sending' AND attempts = 1)
             FROM booking.notification_log WHERE id IN (SELECT unnest(a) FROM ids)),
          'renew_notifications: only the lease moves, not the attempts');
SELECT is(api.mark_notifications_sent((SELECT a[1:1] FROM ids), 'w1'), 1, 'one row sent');
SELECT is(api.renew_notifications((SELECT a FROM ids), 'w1', 60), 1, 'renew_notifications: a sent row is not renewed');

-- A row that failed once and was then sent keeps its old error in the log, but the 'sent'
-- line of notification_health shows none; the 'pending' line shows a retry's error.
UPDATE booking.notification_log SET last_error = '421 try later' WHERE id = (SELECT a[1] FROM ids);
UPDATE booking.notification_log SET status = 'pending', last_error = '451 greylisted'
 WHERE id = (SELECT min(id) FROM booking.notification_log WHERE status = 'pending');
SELECT is((SELECT last_error FROM report.notification_health WHERE status = 'sent'), NULL,
          'notification_health: no error on the sent line');
SELECT is((SELECT last_error FROM report.notification_health WHERE status = 'pending'), '451 greylisted',
          'notification_health: a pending retry shows its error');

SELECT * FROM finish();
ROLLBACK;
