-- Calendar feeds (issue 16): secret tokens per member, provider and resource, rotation,
-- the events listed (cancelled ones for 30 days, never an abandoned hold), UID/SEQUENCE
-- data, and an etag that follows every change.
BEGIN;
SELECT plan(23);
\ir fixtures.psql

-- member ...0a2 books room-a (owned by provider ...0a3)
INSERT INTO saved SELECT 'm1', b.id FROM api.book_slot('consult', '2038-08-02 08:00Z', '{}', p_user => '00000000-0000-0000-0000-0000000000a2') b;
INSERT INTO saved SELECT 'g1', b.id FROM api.book_slot('consult', '2038-08-02 10:00Z', '{"name": "Gus", "email": "gus@example.com"}') b;
INSERT INTO saved SELECT 'h', b.id FROM api.hold_slot('consult', '2038-08-02 12:00Z', p_user => '00000000-0000-0000-0000-0000000000a2') b;
SELECT lives_ok($$SELECT api.cancel_booking(pg_temp.bid('h'), NULL)$$, 'an abandoned hold');

SELECT is(api.calendar_feeds('00000000-0000-0000-0000-0000000000a2') #> '{data,0,token}', 'null'::jsonb,
          'calendar_feeds: no token until one is made (reading writes nothing)');
SELECT ok(api.rotate_calendar_feed('00000000-0000-0000-0000-0000000000a2', 'member', '00000000-0000-0000-0000-0000000000a2') IS NOT NULL,
          'rotate_calendar_feed: makes the first token');
CREATE TEMP TABLE f ON COMMIT DROP AS SELECT api.calendar_feeds('00000000-0000-0000-0000-0000000000a2') AS j;
SELECT is((SELECT jsonb_array_length(j -> 'data') FROM f), 1, 'calendar_feeds: a member has their own feed only');
SELECT ok((SELECT j #>> '{data,0,token}' ~ '^cal_[0-9a-f]{64}$' FROM f), 'calendar_feeds: a long random token');
SELECT is((SELECT api.calendar_feeds('00000000-0000-0000-0000-0000000000a2') #>> '{data,0,token}'), (SELECT j #>> '{data,0,token}' FROM f),
          'calendar_feeds: the same token until rotated');
SELECT is((SELECT jsonb_agg(e ->> 'kind') FROM jsonb_array_elements(api.calendar_feeds('00000000-0000-0000-0000-0000000000a3') -> 'data') e),
          '["member", "provider"]'::jsonb, 'calendar_feeds: an owner of resources has a provider feed too');
SELECT ok(api.rotate_calendar_feed('00000000-0000-0000-0000-0000000000a3', 'provider', '00000000-0000-0000-0000-0000000000a3') IS NOT NULL,
          'rotate_calendar_feed: a provider''s feed');
SELECT throws_ok($$SELECT api.calendar_feeds('00000000-0000-0000-0000-0000000000ff')$$, 'RB401', 'sign in first', 'calendar_feeds: RB401 for no one');

-- the member's feed: their booking, not the guest's, not the abandoned hold
SELECT is((SELECT jsonb_agg(e ->> 'reference') FROM jsonb_array_elements(api.calendar_feed((SELECT j #>> '{data,0,token}' FROM f)) -> 'events') e),
          jsonb_build_array((pg_temp.bk('m1')).reference), 'calendar_feed: the member''s bookings only, no abandoned hold');
SELECT is((SELECT e -> 'sequence' FROM jsonb_array_elements(api.calendar_feed((SELECT j #>> '{data,0,token}' FROM f)) -> 'events') e),
          to_jsonb((pg_temp.bk('m1')).version), 'calendar_feed: sequence is the booking''s version (the invitations'' SEQUENCE)');
-- the provider's feed: both bookings of room-a, with the attendee
SELECT is((SELECT jsonb_agg(e ->> 'attendee_name' ORDER BY e ->> 'starts_at')
             FROM jsonb_array_elements(api.calendar_feed(api.calendar_feeds('00000000-0000-0000-0000-0000000000a3') #>> '{data,1,token}') -> 'events') e),
          '["Max Member", "Gus"]'::jsonb, 'calendar_feed: a provider sees the bookings of their resources, with attendees');
-- a resource feed: owner or admin only
SELECT throws_ok($$SELECT api.resource_calendar_feed('00000000-0000-0000-0000-0000000000a2', '00000000-0000-0000-0000-0000000000b1')$$,
                 'RB404', 'resource not found', 'resource_calendar_feed: RB404 for a member');
SELECT ok(api.rotate_calendar_feed('00000000-0000-0000-0000-0000000000a1', 'resource', '00000000-0000-0000-0000-0000000000b1') IS NOT NULL,
          'rotate_calendar_feed: an admin makes a resource''s feed');
SELECT is(api.resource_calendar_feed('00000000-0000-0000-0000-0000000000a3', '00000000-0000-0000-0000-0000000000b1'),
          (SELECT token FROM booking.calendar_feeds WHERE subject_kind = 'resource'),
          'resource_calendar_feed: its owner sees the same');

-- etag follows changes; a cancelled booking stays as cancelled for 30 days
CREATE TEMP TABLE before ON COMMIT DROP AS SELECT api.calendar_feed((SELECT j #>> '{data,0,token}' FROM f)) ->> 'etag' AS etag;
SELECT is(api.calendar_feed((SELECT j #>> '{data,0,token}' FROM f)) ->> 'etag', (SELECT etag FROM before), 'etag: stable while nothing changes');
SELECT lives_ok($$SELECT api.cancel_booking(pg_temp.bid('m1'), NULL)$$, 'cancelled');
SELECT isnt(api.calendar_feed((SELECT j #>> '{data,0,token}' FROM f)) ->> 'etag', (SELECT etag FROM before), 'etag: changes with a booking');
SELECT is(api.calendar_feed((SELECT j #>> '{data,0,token}' FROM f)) #>> '{events,0,status}', 'cancelled', 'calendar_feed: a cancelled booking is listed as cancelled');
ALTER TABLE booking.bookings DISABLE TRIGGER USER;  -- to age the row (rolled back)
UPDATE booking.bookings SET updated_at = now() - interval '31 days' WHERE id = pg_temp.bid('m1');
ALTER TABLE booking.bookings ENABLE TRIGGER USER;
SELECT is(jsonb_array_length(api.calendar_feed((SELECT j #>> '{data,0,token}' FROM f)) -> 'events'), 0, 'calendar_feed: ... for 30 days');

-- rotation: the old token stops working
SELECT isnt(api.rotate_calendar_feed('00000000-0000-0000-0000-0000000000a2', 'member', '00000000-0000-0000-0000-0000000000a2'),
            (SELECT j #>> '{data,0,token}' FROM f), 'rotate_calendar_feed: a new token');
SELECT is(api.calendar_feed((SELECT j #>> '{data,0,token}' FROM f)), NULL, 'calendar_feed: NULL for the rotated token');
SELECT throws_ok($$SELECT api.rotate_calendar_feed('00000000-0000-0000-0000-0000000000a4', 'member', '00000000-0000-0000-0000-0000000000a2')$$,
                 'RB404', 'calendar feed not found', 'rotate_calendar_feed: not another member''s feed');

SELECT * FROM finish();
ROLLBACK;
