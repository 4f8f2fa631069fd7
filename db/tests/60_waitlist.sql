-- Waitlist: join a full slot, offers made in the transaction that frees seats (cancel,
-- decline, expiry, move, capacity raised, direct SQL), offers as holds, acceptance, lapse
-- and decline passing the offer on, reorder, admin list, the offer email in the outbox.
BEGIN;
SELECT plan(70);
\ir fixtures.psql

CREATE FUNCTION pg_temp.entry(p_k text) RETURNS booking.waitlist_entries
    LANGUAGE sql STABLE AS $$ SELECT w FROM booking.waitlist_entries w WHERE w.id = (SELECT id FROM saved WHERE k = p_k) $$;
CREATE FUNCTION pg_temp.join(p_k text, p_service text, p_at timestamptz, p_attendee jsonb, p_user uuid DEFAULT NULL,
                             p_seats integer DEFAULT 1) RETURNS jsonb
    LANGUAGE plpgsql AS $$
DECLARE v jsonb := api.join_waitlist(p_service, p_at, p_attendee, p_user, p_seats);
BEGIN
    INSERT INTO saved VALUES (p_k, (v ->> 'id')::uuid) ON CONFLICT DO NOTHING;
    RETURN v;
END $$;

-- joining ---------------------------------------------------------------------------------------
INSERT INTO saved SELECT 'b1', b.id FROM api.book_slot('consult', '2038-08-02 08:00Z', '{"name": "Bo", "email": "bo@example.com"}') b;
SELECT throws_ok($$SELECT api.join_waitlist('consult', '2038-08-02 10:00Z', '{"name": "A", "email": "a@example.com"}')$$,
                 'RB422', 'starts_at: has free seats: book it instead of joining the waitlist', 'join: refused while the slot has free seats');
SELECT is((pg_temp.join('w1', 'consult', '2038-08-02 08:00Z', '{"name": "Anna", "email": "Anna@Example.com"}')) ->> 'place', '1',
          'join: a guest joins a full slot, first in line');
SELECT is((pg_temp.join('w2', 'consult', '2038-08-02 08:00Z', '{}', '00000000-0000-0000-0000-0000000000a2')) - 'id' - 'created_at',
          jsonb_build_object('service', 'consult', 'service_name', 'Consultation', 'starts_at', '2038-08-02T08:00:00+00:00'::timestamptz,
                             'ends_at', '2038-08-02T09:00:00+00:00'::timestamptz, 'seats', 1, 'name', 'Max Member',
                             'email', 'member@test.example', 'member', true, 'status', 'waiting', 'place', 2, 'offer', NULL),
          'join: a member joins in one call (name and email from the account), second in line');
SELECT is((pg_temp.join('w3', 'consult', '2038-08-02 08:00Z', '{"name": "Cy", "email": "cy@example.com"}')) ->> 'place', '3',
          'join: third in line');
SELECT is((api.join_waitlist('consult', '2038-08-02 08:00Z', '{"name": "Anna", "email": "anna@example.com"}')) ->> 'id',
          pg_temp.bid('w1')::text, 'join: joining again (any case of the email) returns the live entry');
SELECT is((pg_temp.entry('w1')).email::text, 'anna@example.com', 'join: the email is stored in lower case');
SELECT throws_ok($$SELECT api.join_waitlist('consult', '2038-08-02 08:05Z', '{"name": "A", "email": "a@example.com"}')$$,
                 'RB422', 'starts_at: must lie on the 15-minute grid (:00, :15, :30 or :45)', 'join: RB422 off the grid');
SELECT throws_ok($$SELECT api.join_waitlist('consult', '2038-08-02 08:00Z', '{"name": "A", "email": "not an email"}')$$,
                 'RB422', 'attendee.email: is not an email address', 'join: RB422 for a bad email');
SELECT throws_ok($$SELECT api.join_waitlist('consult', '2038-08-02 08:00Z', '{"email": "a@example.com"}')$$,
                 'RB422', 'attendee.name: is required', 'join: RB422 for a guest without a name');
SELECT throws_ok($$SELECT api.join_waitlist('consult', '2038-08-02 08:00Z', '[1]')$$,
                 'RB422', 'attendee: must be an object with name and email', 'join: RB422 for an attendee that is not an object');
SELECT throws_ok($$SELECT api.join_waitlist('consult', '2038-08-02 08:00Z', jsonb_build_object('name', repeat('x', 201), 'email', 'a@example.com'))$$,
                 'RB422', 'attendee.name: is longer than 200 characters', 'join: RB422 for a huge name');
SELECT throws_ok($$SELECT api.join_waitlist('consult', '2038-08-02 08:00Z', '{"name": "A", "email": "a@example.com"}', NULL, 2)$$,
                 'RB422', 'seats: at most 1 seats per booking for this service', 'join: RB422 for too many seats');
SELECT throws_ok($$SELECT api.join_waitlist('office', '2038-08-02 03:00Z', '{"name": "A", "email": "a@example.com"}')$$,
                 'RB422', 'starts_at: is not a time this service can be booked at', 'join: RB422 outside the opening hours');
SELECT throws_ok($$SELECT api.join_waitlist('consult', '2001-08-02 08:00Z', '{"name": "A", "email": "a@example.com"}')$$,
                 'RB422', 'starts_at: is in the past', 'join: RB422 in the past');
SELECT throws_ok($$SELECT api.join_waitlist('members', '2038-08-02 08:00Z', '{"name": "A", "email": "a@example.com"}')$$,
                 'RB403', 'sign in to book this service', 'join: RB403 for a guest on a members-only service');
SELECT throws_ok($$SELECT api.join_waitlist('nope', '2038-08-02 08:00Z', '{"name": "A", "email": "a@example.com"}')$$,
                 'RB404', 'service not found', 'join: RB404 for an unknown service');

-- a cancellation offers the seat to the first in line, in its own transaction ----------------------
SELECT lives_ok($$SELECT api.cancel_booking(pg_temp.bid('b1'), NULL)$$, 'cancel the booking of a slot people wait for');
SELECT is((pg_temp.entry('w1')).status, 'offered', 'offer: the first in line has an offer');
SELECT is(((pg_temp.entry('w2')).status, (pg_temp.entry('w3')).status), ('waiting'::text, 'waiting'::text),
          'offer: the others still wait');
INSERT INTO saved VALUES ('o1', (pg_temp.entry('w1')).offer_id);
SELECT is(((pg_temp.bk('o1')).status::text, (pg_temp.bk('o1')).attendee_email::text, (pg_temp.bk('o1')).hold_expires_at,
           (pg_temp.bk('o1')).starts_at, (pg_temp.bk('o1')).user_id),
          ('held'::text, 'anna@example.com'::text, now() + interval '30 minutes', '2038-08-02 08:00Z'::timestamptz, NULL::uuid),
          'offer: a hold in the person''s name for 30 minutes (the default)');
SELECT is((pg_temp.entry('w1')).offer_expires_at, now() + interval '30 minutes', 'offer: the entry shows when the offer ends');
SELECT is((SELECT array_agg(kind || ' ' || recipient || ' ' || (payload ->> 'offer_expires_at')::timestamptz::text)
             FROM booking.notification_log WHERE booking_id = pg_temp.bid('o1')),
          ARRAY['waitlist_offer anna@example.com ' || (now() + interval '30 minutes')::text],
          'offer: one offer email to the person, with the offer''s end');
SELECT throws_ok($$SELECT api.book_slot('consult', '2038-08-02 08:00Z', '{"name": "Z", "email": "z@example.com"}')$$,
                 'RB409', NULL, 'offer: a direct buyer cannot take the freed seat');
SELECT is(pg_temp.violation($$INSERT INTO booking.bookings (reference, service_id, resource_id, status, starts_at, ends_at, seats)
                             VALUES ('BK-DIRECT1', '00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000b1',
                                     'confirmed', '2038-08-02 08:00Z', '2038-08-02 09:00Z', '{[1,2)}')$$),
          '23P01 bookings_no_overlap_excl', 'offer: the offer is a hold, so the exclusion constraint guards its seat');
SELECT is((api.waitlist_offer(pg_temp.bid('o1'), NULL)) ->> 'offer_status', 'open', 'waitlist_offer: open');

-- accepting -------------------------------------------------------------------------------------
SELECT throws_ok($$SELECT api.accept_waitlist_offer(pg_temp.bid('o1'), '00000000-0000-0000-0000-0000000000a4')$$,
                 'RB404', 'waitlist offer not found', 'accept: RB404 for another member');
SELECT throws_ok($$SELECT api.accept_waitlist_offer(gen_random_uuid(), NULL)$$,
                 'RB404', 'waitlist offer not found', 'accept: RB404 for an unknown offer');
SELECT throws_ok($$SELECT api.accept_waitlist_offer(pg_temp.bid('b1'), NULL)$$,
                 'RB404', 'waitlist offer not found', 'accept: RB404 for a booking that is no offer');
SELECT is((SELECT (status::text, hold_expires_at) FROM api.accept_waitlist_offer(pg_temp.bid('o1'), NULL)),
          ('confirmed'::text, NULL::timestamptz), 'accept: the hold becomes a confirmed booking');
SELECT is((pg_temp.entry('w1')).status, 'booked', 'accept: the entry is booked');
SELECT is((SELECT array_agg(kind ORDER BY kind) FROM booking.notification_log WHERE booking_id = pg_temp.bid('o1')),
          ARRAY['customer_confirmed', 'provider_new', 'waitlist_offer'], 'accept: the usual confirmation emails follow');
SELECT is((SELECT id FROM api.accept_waitlist_offer(pg_temp.bid('o1'), NULL)), pg_temp.bid('o1'),
          'accept: accepting again returns the booking');
SELECT is((api.waitlist_offer(pg_temp.bid('o1'), NULL)) ->> 'offer_status', 'booked', 'waitlist_offer: booked');

-- the next cancellation goes to the member; an expiry passes it on -------------------------------
SELECT lives_ok($$SELECT api.cancel_booking(pg_temp.bid('o1'), NULL)$$, 'cancel the accepted booking');
INSERT INTO saved VALUES ('o2', (pg_temp.entry('w2')).offer_id);
SELECT is((pg_temp.bk('o2')).user_id, '00000000-0000-0000-0000-0000000000a2'::uuid, 'offer: a member''s offer is a hold of theirs');
SELECT throws_ok($$SELECT api.accept_waitlist_offer(pg_temp.bid('o2'), '00000000-0000-0000-0000-0000000000a4')$$,
                 'RB404', 'waitlist offer not found', 'accept: RB404 for another member than the one offered');
UPDATE booking.bookings SET hold_expires_at = now() - interval '1 minute' WHERE id = pg_temp.bid('o2');
SELECT is((api.waitlist_offer(pg_temp.bid('o2'), '00000000-0000-0000-0000-0000000000a2')) ->> 'offer_status', 'lapsed',
          'waitlist_offer: lapsed once past its end');
SELECT throws_ok($$SELECT api.accept_waitlist_offer(pg_temp.bid('o2'), '00000000-0000-0000-0000-0000000000a2')$$,
                 'RB409', 'the offer has expired and its seat went to the next person in line', 'accept: RB409 after the offer''s end');
SELECT ok(api.expire_holds() >= 1, 'expire_holds: the lapsed offer expires');
SELECT is(((pg_temp.bk('o2')).status::text, (pg_temp.entry('w2')).status, (pg_temp.entry('w3')).status),
          ('expired'::text, 'lapsed'::text, 'offered'::text), 'expiry: the offer lapses and passes to the next in line');

-- declining an offer passes it on; nobody left: the slot is free again ---------------------------
INSERT INTO saved VALUES ('o3', (pg_temp.entry('w3')).offer_id);
SELECT is((api.leave_waitlist(pg_temp.bid('w3'), NULL)) ->> 'status', 'declined', 'leave: an open offer is turned down');
SELECT is((pg_temp.bk('o3')).status::text, 'cancelled', 'leave: the offer''s hold is cancelled');
SELECT ok(EXISTS (SELECT 1 FROM api.available_slots('consult', '2038-08-02 08:00Z', '2038-08-02 08:30Z')),
          'nobody left in line: the slot is free again');
SELECT throws_ok($$SELECT api.leave_waitlist(pg_temp.bid('w2'), '00000000-0000-0000-0000-0000000000a4')$$,
                 'RB404', 'waitlist entry not found', 'leave: RB404 for someone else''s entry');

-- decline, move away, direct SQL, capacity ----------------------------------------------------------
INSERT INTO saved SELECT 'p1', b.id FROM api.book_slot('approval', '2038-08-03 08:00Z', '{"name": "P", "email": "p@example.com"}') b;
SELECT pg_temp.join('w4', 'approval', '2038-08-03 08:00Z', '{"name": "Di", "email": "di@example.com"}') \g /dev/null
SELECT lives_ok($$SELECT api.decline_booking(pg_temp.bid('p1'), NULL)$$, 'decline a pending booking');
SELECT is((pg_temp.entry('w4')).status, 'offered', 'decline: the seat is offered');
SELECT is((SELECT status::text FROM api.accept_waitlist_offer((pg_temp.entry('w4')).offer_id, NULL)), 'pending',
          'accept: pending when the service needs confirmation');

INSERT INTO saved SELECT 'b5', b.id FROM api.book_slot('consult', '2038-08-04 08:00Z', '{"name": "E", "email": "e@example.com"}') b;
SELECT pg_temp.join('w5', 'consult', '2038-08-04 08:00Z', '{"name": "Eve", "email": "eve@example.com"}') \g /dev/null
SELECT lives_ok($$SELECT api.reschedule_booking(pg_temp.bid('b5'), '2038-08-04 12:00Z', NULL)$$, 'move the booking away');
SELECT is((pg_temp.entry('w5')).status, 'offered', 'move away: the seat is offered');

INSERT INTO saved SELECT 'b6', b.id FROM api.book_slot('consult', '2038-08-05 08:00Z', '{"name": "F", "email": "f@example.com"}') b;
SELECT pg_temp.join('w6', 'consult', '2038-08-05 08:00Z', '{"name": "Fay", "email": "fay@example.com"}') \g /dev/null
UPDATE booking.bookings SET status = 'cancelled' WHERE id = pg_temp.bid('b6');
SELECT is((pg_temp.entry('w6')).status, 'offered', 'a direct SQL cancellation offers the seat too (trigger)');

SELECT api.book_slot('concert', '2038-07-05 14:00Z', '{"name": "G", "email": "g@example.com"}', p_seats => s)
  FROM unnest(ARRAY[4, 4, 2]) AS s \g /dev/null
SELECT pg_temp.join('w7', 'concert', '2038-07-05 14:00Z', '{"name": "Hal", "email": "hal@example.com"}', p_seats => 3) \g /dev/null
SELECT pg_temp.join('w8', 'concert', '2038-07-05 14:00Z', '{"name": "Ida", "email": "ida@example.com"}', p_seats => 1) \g /dev/null
UPDATE booking.resources SET capacity = 11 WHERE slug = 'hall';
SELECT is(((pg_temp.entry('w7')).status, (pg_temp.entry('w8')).status), ('waiting'::text, 'offered'::text),
          'capacity raised by one: the entry for 3 seats keeps its place, the next one (1 seat) gets the seat');
UPDATE booking.resources SET capacity = 14 WHERE slug = 'hall';
SELECT is(((pg_temp.entry('w7')).status, (SELECT seats::text FROM booking.bookings WHERE id = (pg_temp.entry('w7')).offer_id)),
          ('offered'::text, '{[12,15)}'::text), 'capacity raised by three more: the 3-seat entry is offered the new seats');

-- two seats freed at once never go to one person twice -------------------------------------------
INSERT INTO saved SELECT 'd' || n, b.id FROM generate_series(1, 2) AS n,
    LATERAL api.book_slot('duo', '2038-08-06 08:00Z', jsonb_build_object('name', 'D', 'email', 'd' || n || '@example.com')) b;
SELECT pg_temp.join('x', 'duo', '2038-08-06 08:00Z', '{"name": "Xe", "email": "xe@example.com"}') \g /dev/null
SELECT pg_temp.join('y', 'duo', '2038-08-06 08:00Z', '{"name": "Yu", "email": "yu@example.com"}') \g /dev/null
SELECT pg_temp.join('z', 'duo', '2038-08-06 08:00Z', '{"name": "Zo", "email": "zo@example.com"}') \g /dev/null
UPDATE booking.bookings SET status = 'cancelled' WHERE id IN (pg_temp.bid('d1'), pg_temp.bid('d2'));
SELECT is((SELECT array_agg(w.status ORDER BY w.position) FROM booking.waitlist_entries w
            WHERE w.id IN (pg_temp.bid('x'), pg_temp.bid('y'), pg_temp.bid('z'))),
          ARRAY['offered', 'offered', 'waiting'], 'two seats freed in one statement: the first two in line, one each');
SELECT is((SELECT count(*)::integer FROM booking.bookings WHERE metadata ->> 'waitlist_entry' = pg_temp.bid('x')::text), 1,
          'the first in line holds one offer, not two');

-- reorder and the admin view ----------------------------------------------------------------------
INSERT INTO saved SELECT 'b9', b.id FROM api.book_slot('consult', '2038-08-07 08:00Z', '{"name": "R", "email": "r@example.com"}') b;
SELECT pg_temp.join('r' || n, 'consult', '2038-08-07 08:00Z', jsonb_build_object('name', 'R' || n, 'email', 'r' || n || '@example.com'))
  FROM generate_series(1, 3) AS n \g /dev/null
SELECT is((api.move_waitlist_entry('00000000-0000-0000-0000-0000000000a1', pg_temp.bid('r3'), 1)) ->> 'place', '1',
          'move: the third moves to the front');
SELECT is((SELECT array_agg(e ->> 'name') FROM jsonb_array_elements(
              api.admin_waitlist('00000000-0000-0000-0000-0000000000a1', 'consult') -> 'data') e
            WHERE (e ->> 'starts_at')::timestamptz = '2038-08-07 08:00Z'),
          ARRAY['R3', 'R1', 'R2'], 'admin_waitlist: the slot''s line in its new order');
SELECT is((api.move_waitlist_entry('00000000-0000-0000-0000-0000000000a1', pg_temp.bid('r3'), 99)) ->> 'place', '3',
          'move: a place past the end means last');
SELECT throws_ok($$SELECT api.move_waitlist_entry('00000000-0000-0000-0000-0000000000a2', pg_temp.bid('r1'), 1)$$,
                 'RB403', 'admins only', 'move: admins only');
SELECT throws_ok($$SELECT api.move_waitlist_entry('00000000-0000-0000-0000-0000000000a1', pg_temp.bid('r1'), 0)$$,
                 'RB422', 'place: must be at least 1', 'move: RB422 for place 0');
SELECT throws_ok($$SELECT api.admin_waitlist('00000000-0000-0000-0000-0000000000a1', NULL, ARRAY['nope'])$$,
                 'RB422', NULL, 'admin_waitlist: RB422 for an unknown status');
SELECT lives_ok($$SELECT api.cancel_booking(pg_temp.bid('b9'), NULL)$$, 'cancel after the reorder');
SELECT is((pg_temp.entry('r1')).status, 'offered', 'the offer follows the new order (R1 is first now)');

-- the offer time is a service setting -------------------------------------------------------------
SELECT is(api.set_waitlist_offer_minutes('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000c1', 90), 90,
          'set_waitlist_offer_minutes');
SELECT throws_ok($$SELECT api.set_waitlist_offer_minutes('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000c1', 4)$$,
                 'RB422', 'waitlist_offer_minutes: must be between 5 and 10080 (7 days)', 'set_waitlist_offer_minutes: RB422 below 5');
SELECT lives_ok($$SELECT api.cancel_booking((pg_temp.entry('w5')).offer_id, NULL)$$, 'w5 turns down the moved-away seat');
SELECT lives_ok($$SELECT api.cancel_booking(b.id, NULL) FROM booking.bookings b WHERE starts_at = '2038-08-07 08:00Z' AND status = 'held'$$,
                'R1 turns down the offer');
SELECT is((SELECT hold_expires_at FROM booking.bookings WHERE id = (pg_temp.entry('r2')).offer_id), now() + interval '90 minutes',
          'the next offer lasts the service''s new offer time');

-- my list, and the sweep ends entries of slots that have started ----------------------------------
SELECT is(jsonb_array_length(api.my_waitlist('00000000-0000-0000-0000-0000000000a2')), 0, 'my_waitlist: the member''s lapsed entry is gone');
UPDATE booking.waitlist_entries SET starts_at = '2001-08-02 08:00Z' WHERE id = pg_temp.bid('r3');
SELECT lives_ok($$SELECT api.expire_holds()$$, 'sweep');
SELECT is((pg_temp.entry('r3')).status, 'ended', 'sweep: an entry of a slot that has started ends');

SELECT * FROM finish();
ROLLBACK;
