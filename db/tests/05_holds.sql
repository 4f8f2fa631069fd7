-- Holds: hold_slot blocks the slot, book_slot(p_hold) converts it, api.expire_holds() lets
-- lapsed holds go, and book_slot takes a slot whose hold lapsed.
BEGIN;
SELECT plan(37);
\ir fixtures.psql

-- hold_slot ------------------------------------------------------------------------------------
INSERT INTO saved SELECT 'h1', b.id FROM api.hold_slot('consult', '2038-08-02 08:00Z', p_user => '00000000-0000-0000-0000-0000000000a2') b;
SELECT is((pg_temp.bk('h1')).status::text, 'held', 'hold_slot: status held');
SELECT is((pg_temp.bk('h1')).hold_expires_at, now() + interval '10 minutes', 'hold_slot: expires after 10 minutes by default');
INSERT INTO saved SELECT 'h2', b.id FROM api.hold_slot('consult', '2038-08-02 10:00Z', p_minutes => 3) b;
SELECT is((pg_temp.bk('h2')).hold_expires_at, now() + interval '3 minutes', 'hold_slot: p_minutes sets the expiry');
SELECT throws_ok($$SELECT api.book_slot('consult', '2038-08-02 08:00Z', '{"name": "A", "email": "a@example.com"}')$$,
                 'RB409', NULL, 'a hold blocks its slot for book_slot');
SELECT throws_ok($$SELECT api.hold_slot('consult', '2038-08-02 08:30Z')$$,
                 'RB409', NULL, 'a hold blocks overlapping holds');
SELECT ok(NOT EXISTS (SELECT 1 FROM api.available_slots('consult', '2038-08-02 07:30Z', '2038-08-02 09:00Z')
                       WHERE starts_at IN ('2038-08-02 07:30Z', '2038-08-02 08:00Z', '2038-08-02 08:30Z')),
          'available_slots: held slots are not offered');
SELECT throws_ok($$SELECT api.hold_slot('consult', '2038-08-02 12:00Z', p_minutes => 0)$$,
                 'RB422', 'minutes: must be between 1 and 60', 'hold_slot: RB422 for 0 minutes');
SELECT throws_ok($$SELECT api.hold_slot('consult', '2038-08-02 12:00Z', p_minutes => 61)$$,
                 'RB422', 'minutes: must be between 1 and 60', 'hold_slot: RB422 for 61 minutes');
SELECT throws_ok($$SELECT api.hold_slot('consult', '2038-08-02 12:05Z')$$,
                 'RB422', 'starts_at: must lie on the 15-minute grid (:00, :15, :30 or :45)', 'hold_slot: RB422 off the grid');
SELECT throws_ok($$SELECT api.hold_slot('consult', '2038-08-02 12:00Z', p_seats => 2)$$,
                 'RB422', 'seats: at most 1 seats per booking for this service', 'hold_slot: RB422 for too many seats');
SELECT throws_ok($$SELECT api.hold_slot('nope', '2038-08-02 12:00Z')$$, 'RB404', 'service not found',
                 'hold_slot: RB404 for an unknown service');
SELECT throws_ok($$SELECT api.hold_slot('consult', '2038-08-02 12:00Z', p_resource => '00000000-0000-0000-0000-0000000000b4')$$,
                 'RB404', 'resource not found', 'hold_slot: RB404 for a resource of another service');
SELECT throws_ok($$SELECT api.hold_slot('consult', '2038-08-02 12:00Z', p_user => gen_random_uuid())$$,
                 'RB404', 'user not found', 'hold_slot: RB404 for an unknown user');
SELECT throws_ok($$SELECT api.hold_slot('members', '2038-08-02 12:00Z')$$, 'RB403', 'sign in to book this service',
                 'hold_slot: RB403 for a guest on a members-only service');

-- conversion -------------------------------------------------------------------------------------
SELECT throws_ok($$SELECT api.book_slot('consult', '2038-08-02 08:00Z', '{}', p_user => '00000000-0000-0000-0000-0000000000a3',
                                        p_hold => pg_temp.bid('h1'))$$,
                 'RB404', 'hold not found', 'conversion: another user''s hold is RB404');
SELECT throws_ok($$SELECT api.book_slot('strict', '2038-08-02 08:00Z', '{}', p_user => '00000000-0000-0000-0000-0000000000a2',
                                        p_hold => pg_temp.bid('h1'))$$,
                 'RB404', 'hold not found', 'conversion: a hold of another service is RB404');
SELECT throws_ok($$SELECT api.book_slot('consult', '2038-08-02 08:00Z', '{}', p_user => '00000000-0000-0000-0000-0000000000a2',
                                        p_hold => gen_random_uuid())$$,
                 'RB404', 'hold not found', 'conversion: an unknown hold is RB404');
SELECT throws_ok($$SELECT api.book_slot('consult', '2038-08-02 09:00Z', '{}', p_user => '00000000-0000-0000-0000-0000000000a2',
                                        p_hold => pg_temp.bid('h1'))$$,
                 'RB422', 'starts_at: does not match the hold', 'conversion: another start is RB422');
SELECT is((SELECT id FROM api.book_slot('consult', '2038-08-02 08:00Z', '{"phone": "123"}',
              p_user => '00000000-0000-0000-0000-0000000000a2', p_hold => pg_temp.bid('h1'), p_idempotency_key => 'conv-1')),
          pg_temp.bid('h1'), 'conversion: the hold becomes the booking (same id)');
SELECT is(((pg_temp.bk('h1')).status::text, (pg_temp.bk('h1')).hold_expires_at, (pg_temp.bk('h1')).attendee_email::text,
           (pg_temp.bk('h1')).attendee_phone),
          ('confirmed'::text, NULL::timestamptz, 'member@test.example'::text, '123'::text),
          'conversion: confirmed, no expiry, attendee filled in');
SELECT is((SELECT id FROM api.book_slot('consult', '2038-08-02 08:00Z', '{"phone": "123"}',
              p_user => '00000000-0000-0000-0000-0000000000a2', p_hold => pg_temp.bid('h1'), p_idempotency_key => 'conv-1')),
          pg_temp.bid('h1'), 'conversion: an idempotent replay returns the same booking');
SELECT is((SELECT array_agg(action ORDER BY id) FROM booking.booking_audit WHERE booking_id = pg_temp.bid('h1')),
          ARRAY['held', 'created'], 'conversion: audit shows held, then created');
SELECT is((SELECT array_agg(kind ORDER BY kind) FROM booking.notification_log WHERE booking_id = pg_temp.bid('h1')),
          ARRAY['customer_confirmed', 'provider_new'], 'conversion: confirmation emails are queued, none for the hold');

-- a guest hold converted into a service that needs confirmation
INSERT INTO saved SELECT 'h3', b.id FROM api.hold_slot('approval', '2038-08-02 09:00Z') b;
SELECT is((SELECT status::text FROM api.book_slot('approval', NULL, '{"name": "Bea", "email": "bea@example.com"}',
              p_hold => pg_temp.bid('h3'))), 'pending', 'conversion: pending when the service needs confirmation');

-- lapsed holds -----------------------------------------------------------------------------------
UPDATE booking.bookings SET hold_expires_at = now() - interval '1 minute' WHERE id = pg_temp.bid('h2');
SELECT ok(EXISTS (SELECT 1 FROM api.available_slots('consult', '2038-08-02 10:00Z', '2038-08-02 10:30Z')),
          'available_slots: a lapsed hold no longer hides its slot');
SELECT throws_ok($$SELECT api.book_slot('consult', '2038-08-02 10:00Z', '{"name": "C", "email": "c@example.com"}',
                                        p_hold => pg_temp.bid('h2'))$$,
                 'RB409', 'the hold has expired and its slot may be gone', 'conversion: a lapsed hold is RB409');
INSERT INTO saved SELECT 'b2', b.id FROM api.book_slot('consult', '2038-08-02 10:00Z', '{"name": "D", "email": "d@example.com"}') b;
SELECT is((pg_temp.bk('b2')).status::text, 'confirmed', 'book_slot takes a slot whose hold lapsed');
SELECT is((pg_temp.bk('h2')).status::text, 'expired', 'the lapsed hold in its way is marked expired');
SELECT is((SELECT action FROM booking.booking_audit WHERE booking_id = pg_temp.bid('h2') ORDER BY id DESC LIMIT 1),
          'expired', 'audit records the expiry');

INSERT INTO saved SELECT 'h4', b.id FROM api.hold_slot('duo', '2038-08-03 08:00Z') b;
INSERT INTO saved SELECT 'h5', b.id FROM api.hold_slot('duo', '2038-08-03 08:00Z') b;
INSERT INTO saved SELECT 'h6', b.id FROM api.hold_slot('duo', '2038-08-03 09:00Z') b;
UPDATE booking.bookings SET hold_expires_at = now() - interval '1 second' WHERE id IN (pg_temp.bid('h4'), pg_temp.bid('h5'));
SELECT is(api.expire_holds(), 2, 'expire_holds: returns how many holds lapsed');
SELECT is((SELECT array_agg(status::text ORDER BY k) FROM saved JOIN booking.bookings USING (id) WHERE k IN ('h4', 'h5', 'h6')),
          ARRAY['expired', 'expired', 'held'], 'expire_holds: lapsed holds expire, live ones stay');
SELECT is(api.expire_holds(), 0, 'expire_holds: a second sweep finds nothing');
SELECT is((SELECT count(*)::integer FROM booking.notification_log WHERE booking_id IN (pg_temp.bid('h4'), pg_temp.bid('h5'))), 0,
          'expire_holds: no email for an expired hold');
SELECT lives_ok($$SELECT api.book_slot('duo', '2038-08-03 08:00Z', '{"name": "E", "email": "e@example.com"}')$$,
                'the expired holds'' slot is bookable');

-- releasing a hold ---------------------------------------------------------------------------------
SELECT is((SELECT status::text FROM api.cancel_booking(pg_temp.bid('h6'), NULL)), 'cancelled', 'cancel_booking releases a hold');
SELECT is((SELECT count(*)::integer FROM booking.notification_log WHERE booking_id = pg_temp.bid('h6')), 0,
          'an abandoned checkout sends no email');
SELECT lives_ok($$SELECT api.hold_slot('duo', '2038-08-03 09:00Z', p_resource => '00000000-0000-0000-0000-0000000000b1')$$,
                'the released slot can be held again, on a named resource');

SELECT * FROM finish();
ROLLBACK;
