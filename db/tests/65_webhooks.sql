-- Webhooks (issue 16): endpoints, deliveries queued in the booking's transaction,
-- per-booking order, the delivery log, retries, disabling, alerts, redelivery.
BEGIN;
SELECT plan(53);
\ir fixtures.psql

-- no endpoint: a booking queues nothing
INSERT INTO saved SELECT 'quiet', b.id FROM api.book_slot('consult', '2038-07-05 08:00Z', '{"name": "Q", "email": "q@example.com"}') b;
SELECT is((SELECT count(*)::integer FROM booking.webhook_deliveries), 0, 'no endpoint: no delivery');

-- registration
SELECT throws_ok($$SELECT api.create_webhook_endpoint('00000000-0000-0000-0000-0000000000a2', '{"url": "https://x.example/h", "events": ["booking.created"]}')$$,
                 'RB403', 'admins only', 'create_webhook_endpoint: admins only');
SELECT is(pg_temp.err($$SELECT api.create_webhook_endpoint('00000000-0000-0000-0000-0000000000a1', '{"events": ["booking.created"]}')$$) #>> '{detail,errors,url}',
          'is required', 'create_webhook_endpoint: RB422 url required');
SELECT is(pg_temp.err($$SELECT api.create_webhook_endpoint('00000000-0000-0000-0000-0000000000a1', '{"url": "ftp://x.example/", "events": ["booking.created"]}')$$) ->> 'state',
          'RB422', 'create_webhook_endpoint: not http(s) is RB422');
SELECT ok(pg_temp.err($$SELECT api.create_webhook_endpoint('00000000-0000-0000-0000-0000000000a1', '{"url": "https://user:pw@x.example/", "events": ["booking.created"]}')$$) #> '{detail,errors}' ? 'url',
          'create_webhook_endpoint: credentials in the URL name the field url');
SELECT ok(pg_temp.err(format($$SELECT api.create_webhook_endpoint('00000000-0000-0000-0000-0000000000a1', '{"url": "https://x.example/%s", "events": ["booking.created"]}')$$, repeat('a', 3000))) #> '{detail,errors}' ? 'url',
          'create_webhook_endpoint: a huge URL is RB422 url');
SELECT is(pg_temp.err($$SELECT api.create_webhook_endpoint('00000000-0000-0000-0000-0000000000a1', '{"url": "https://x.example/"}')$$) #>> '{detail,errors,events}',
          'is required', 'create_webhook_endpoint: events required');
SELECT ok(pg_temp.err($$SELECT api.create_webhook_endpoint('00000000-0000-0000-0000-0000000000a1', '{"url": "https://x.example/", "events": ["booking.exploded"]}')$$) #>> '{detail,errors,events}' LIKE 'unknown event booking.exploded%',
          'create_webhook_endpoint: an unknown event is RB422 events');
SELECT ok(pg_temp.err($$SELECT api.create_webhook_endpoint('00000000-0000-0000-0000-0000000000a1', '{"url": "https://x.example/", "events": []}')$$) #> '{detail,errors}' ? 'events',
          'create_webhook_endpoint: no events is RB422 events');
SELECT ok(pg_temp.err($$SELECT api.create_webhook_endpoint('00000000-0000-0000-0000-0000000000a1', '{"url": "https://x.example/", "events": ["booking.created"], "secret": "short"}')$$) #> '{detail,errors}' ? 'secret',
          'create_webhook_endpoint: a short secret is RB422 secret');
SELECT ok(pg_temp.err($$SELECT api.create_webhook_endpoint('00000000-0000-0000-0000-0000000000a1', '{"url": "https://x.example/", "events": ["booking.created"], "max_attempts": 2.5}')$$) #> '{detail,errors}' ? 'max_attempts',
          'create_webhook_endpoint: a fractional max_attempts is RB422 max_attempts');
SELECT is((SELECT count(*)::integer FROM booking.webhook_endpoints), 0, 'refused registrations left no row');

CREATE TEMP TABLE ep ON COMMIT DROP AS
SELECT api.create_webhook_endpoint('00000000-0000-0000-0000-0000000000a1',
    '{"url": "http://127.0.0.1:9/hook", "events": ["booking.created", "booking.confirmed", "booking.cancelled", "booking.rescheduled", "booking.declined"], "max_attempts": 2}') AS j;
SELECT ok((SELECT j ->> 'secret' ~ '^whsec_[0-9a-f]{64}$' FROM ep), 'create_webhook_endpoint: a generated secret, shown once');
SELECT ok((SELECT NOT (e ? 'secret') AND e ->> 'secret_hint' LIKE 'whsec_%' FROM jsonb_array_elements(api.webhook_endpoints('00000000-0000-0000-0000-0000000000a1') -> 'data') e),
          'webhook_endpoints: the secret only as a hint');
CREATE TEMP TABLE only_cancel ON COMMIT DROP AS
SELECT api.create_webhook_endpoint('00000000-0000-0000-0000-0000000000a1',
    '{"url": "https://hooks.example/c", "events": ["booking.cancelled"], "secret": "0123456789abcdef-given"}') AS j;
SELECT is((SELECT j ->> 'secret' FROM only_cancel), '0123456789abcdef-given', 'create_webhook_endpoint: a given secret is kept');

-- a booking queues created + confirmed in its own transaction; the body is api.booking_json
INSERT INTO saved SELECT 'b1', b.id FROM api.book_slot('consult', '2038-07-05 10:00Z', '{"name": "Ann", "email": "ann@example.com"}') b;
SELECT is((SELECT array_agg(event ORDER BY id) FROM booking.webhook_deliveries WHERE booking_id = pg_temp.bid('b1')),
          ARRAY['booking.created', 'booking.confirmed'], 'a confirmed booking: created then confirmed, to the subscribed endpoint only');
SELECT is((SELECT payload #> '{data,booking}' FROM booking.webhook_deliveries WHERE booking_id = pg_temp.bid('b1') ORDER BY id LIMIT 1),
          api.booking_json(pg_temp.bk('b1')), 'the body''s data.booking is api.booking_json of the booking');
SELECT ok((SELECT bool_and(payload ->> 'id' = event_id::text AND payload ->> 'type' = event) FROM booking.webhook_deliveries),
          'the body carries the event id and type');

-- a hold queues nothing, an abandoned hold neither; converting it queues created
INSERT INTO saved SELECT 'h', b.id FROM api.hold_slot('consult', '2038-07-05 12:00Z') b;
SELECT is((SELECT count(*)::integer FROM booking.webhook_deliveries WHERE booking_id = pg_temp.bid('h')), 0, 'a hold: nothing');
SELECT lives_ok($$SELECT api.cancel_booking(pg_temp.bid('h'), NULL)$$, 'an abandoned hold is cancelled');
SELECT is((SELECT count(*)::integer FROM booking.webhook_deliveries WHERE booking_id = pg_temp.bid('h')), 0, 'an abandoned hold: nothing');

-- cancellation goes to both endpoints; reschedule carries the previous times
SELECT lives_ok($$SELECT api.reschedule_booking(pg_temp.bid('b1'), '2038-07-05 14:00Z', NULL)$$, 'rescheduled');
SELECT is((SELECT payload #>> '{data,previous,starts_at}' FROM booking.webhook_deliveries WHERE event = 'booking.rescheduled'),
          '2038-07-05T10:00:00+00:00', 'booking.rescheduled: data.previous has the old start');
SELECT lives_ok($$SELECT api.cancel_booking(pg_temp.bid('b1'), NULL)$$, 'cancelled');
SELECT is((SELECT count(*)::integer FROM booking.webhook_deliveries WHERE event = 'booking.cancelled'), 2, 'booking.cancelled: to both subscribed endpoints');

-- decline
INSERT INTO saved SELECT 'p', b.id FROM api.book_slot('approval', '2038-07-05 08:00Z', '{"name": "P", "email": "p@example.com"}') b;
SELECT lives_ok($$SELECT api.decline_booking(pg_temp.bid('p'), NULL)$$, 'declined');
SELECT is((SELECT array_agg(event ORDER BY id) FROM booking.webhook_deliveries WHERE booking_id = pg_temp.bid('p')),
          ARRAY['booking.created', 'booking.declined'], 'a request: created (not confirmed), then declined');

-- the waitlist's offer email queues waitlist.offer (once another endpoint subscribes to it)
SELECT lives_ok($$SELECT api.update_webhook_endpoint('00000000-0000-0000-0000-0000000000a1', (SELECT (j ->> 'id')::uuid FROM only_cancel), '{"events": ["booking.cancelled", "waitlist.offer"]}')$$,
                'update_webhook_endpoint: events changed');
ALTER TABLE booking.notification_log DROP CONSTRAINT notification_log_kind_check;  -- rolled back; the waitlist adds the kind
INSERT INTO booking.notification_log (booking_id, kind, recipient, payload, message_id)
VALUES (pg_temp.bid('quiet'), 'waitlist_offer', 'w@example.com', '{"offer_expires_at": "2038-07-05T08:30:00Z", "accept_url": "https://secret", "accept_token": "t"}', '<w@booker>');
SELECT is((SELECT payload #> '{data,offer}' FROM booking.webhook_deliveries WHERE event = 'waitlist.offer'),
          '{"offer_expires_at": "2038-07-05T08:30:00Z"}'::jsonb, 'waitlist.offer: queued with the offer, minus its secret link');

-- claims: per-booking order, one at a time
CREATE TEMP TABLE c1 ON COMMIT DROP AS SELECT * FROM api.claim_webhook_deliveries('w1', 100, 60);
SELECT is((SELECT count(*)::integer FROM c1 WHERE booking_id = pg_temp.bid('b1') AND endpoint_id = (SELECT (j ->> 'id')::uuid FROM ep)), 1,
          'claim: one delivery per (endpoint, booking) at a time');
SELECT is((SELECT event FROM c1 WHERE booking_id = pg_temp.bid('b1') AND endpoint_id = (SELECT (j ->> 'id')::uuid FROM ep)), 'booking.created',
          'claim: the first of the booking first');
SELECT ok((SELECT bool_and(url IS NOT NULL AND secret IS NOT NULL AND attempts = 1) FROM c1), 'claim: with url, secret, attempt 1');
SELECT is((SELECT count(*)::integer FROM api.claim_webhook_deliveries('w2', 100, 60)), 0, 'claim: nothing more while the first ones are out');

-- delivery log, retry, success
CREATE TEMP TABLE d1 ON COMMIT DROP AS SELECT id FROM c1 WHERE booking_id = pg_temp.bid('b1') AND endpoint_id = (SELECT (j ->> 'id')::uuid FROM ep);
SELECT is(api.record_webhook_attempt((SELECT id FROM d1), 'w2', 200, NULL, 5, 10), NULL, 'record_webhook_attempt: NULL without the lease');
SELECT is(api.record_webhook_attempt((SELECT id FROM d1), 'w1', 500, NULL, 12, 30), 'pending', 'record_webhook_attempt: a 500 is retried');
SELECT is((SELECT (last_status, last_error, next_attempt_at) FROM booking.webhook_deliveries WHERE id = (SELECT id FROM d1)),
          (500, 'HTTP 500'::text, now() + interval '30 seconds'), 'record_webhook_attempt: the code, and due after the backoff');
SELECT is((SELECT count(*)::integer FROM api.claim_webhook_deliveries('w1', 100, 60) WHERE booking_id = pg_temp.bid('b1')), 0,
          'claim: a booking''s later events wait for its retried first one');
UPDATE booking.webhook_deliveries SET next_attempt_at = now() WHERE id = (SELECT id FROM d1);
SELECT is((SELECT attempts FROM api.claim_webhook_deliveries('w1', 100, 60) WHERE id = (SELECT id FROM d1)), 2, 'claim: the retry is attempt 2');
SELECT is(api.record_webhook_attempt((SELECT id FROM d1), 'w1', 204, NULL, 3, 30), 'delivered', 'record_webhook_attempt: a 2xx is delivered');
SELECT is((SELECT array_agg(status_code ORDER BY id) FROM booking.webhook_attempts WHERE delivery_id = (SELECT id FROM d1)), ARRAY[500, 204],
          'the delivery log keeps every attempt''s code');

-- persistent failure: the last attempt fails -> failed, endpoint disabled, alert due
SELECT is((SELECT event FROM api.claim_webhook_deliveries('w1', 100, 60) WHERE booking_id = pg_temp.bid('b1') AND endpoint_id = (SELECT (j ->> 'id')::uuid FROM ep)),
          'booking.confirmed', 'claim: the next event of the booking once the first is delivered');
UPDATE booking.webhook_deliveries SET attempts = max_attempts WHERE event = 'booking.confirmed' AND booking_id = pg_temp.bid('b1');
SELECT is(api.record_webhook_attempt((SELECT id FROM booking.webhook_deliveries WHERE event = 'booking.confirmed' AND booking_id = pg_temp.bid('b1')), 'w1', NULL, 'connection refused', 1, 60),
          'failed', 'record_webhook_attempt: failed when no attempt is left');
SELECT is((SELECT (active, disabled_reason LIKE '%connection refused') FROM booking.webhook_endpoints WHERE id = (SELECT (j ->> 'id')::uuid FROM ep)),
          (false, true), 'the endpoint is disabled, with the reason');
SELECT is((SELECT recipients FROM api.webhook_alerts()), ARRAY['admin@test.example'], 'webhook_alerts: the admins are to be emailed');
SELECT ok(api.mark_webhook_alert_sent((SELECT (j ->> 'id')::uuid FROM ep)), 'mark_webhook_alert_sent');
SELECT ok(NOT EXISTS (SELECT 1 FROM api.webhook_alerts()), 'webhook_alerts: not again once sent');

-- redelivery
SELECT throws_ok($$SELECT api.redeliver_webhook('00000000-0000-0000-0000-0000000000a1', (SELECT id FROM d1))$$, 'RB409',
                 'the endpoint is disabled: enable it first', 'redeliver_webhook: RB409 while the endpoint is disabled');
SELECT lives_ok($$SELECT api.update_webhook_endpoint('00000000-0000-0000-0000-0000000000a1', (SELECT (j ->> 'id')::uuid FROM ep), '{"active": true}')$$, 're-enabled');
SELECT is((SELECT (r ->> 'redelivery_of')::bigint FROM api.redeliver_webhook('00000000-0000-0000-0000-0000000000a1', (SELECT id FROM d1)) r), (SELECT id FROM d1),
          'redeliver_webhook: a new delivery of the same event');
SELECT is((SELECT count(DISTINCT event_id)::integer FROM booking.webhook_deliveries WHERE id = (SELECT id FROM d1) OR redelivery_of = (SELECT id FROM d1)), 1,
          'redeliver_webhook: same event id');

-- the log for admins; deletion
SELECT is((api.webhook_deliveries('00000000-0000-0000-0000-0000000000a1', (SELECT (j ->> 'id')::uuid FROM ep), 'delivered') #>> '{data,0,log,1,status_code}'),
          '204', 'webhook_deliveries: the log with response codes');
SELECT ok(api.delete_webhook_endpoint('00000000-0000-0000-0000-0000000000a1', (SELECT (j ->> 'id')::uuid FROM ep)), 'delete_webhook_endpoint');
SELECT throws_ok($$SELECT api.delete_webhook_endpoint('00000000-0000-0000-0000-0000000000a1', (SELECT (j ->> 'id')::uuid FROM ep))$$, 'RB404',
                 'webhook endpoint not found', 'delete_webhook_endpoint: RB404 the second time');

SELECT * FROM finish();
ROLLBACK;
