-- The booking path reads opening hours for the one start it books (issue 10: it no longer
-- generates the day's slots through internal.slot_candidates). It must agree with the slot
-- grid at every start: a start is bookable exactly when slot_candidates lists it as available
-- on some resource, and is refused as closed or outside the opening hours exactly when the
-- grid says so. Checked at every quarter hour of days with odd rules, a 45-minute step,
-- validity dates, closures and both DST transitions, and for one-off events.
BEGIN;
SELECT plan(20);
\ir fixtures.psql

-- A Berlin desk open at odd hours (over the spring-forward night of 2038-03-28, a Sunday),
-- with a summer-only Saturday rule; the NY office of the fixtures (Mon-Fri 09-17) beside it.
INSERT INTO booking.resources (id, slug, name, capacity, timezone) VALUES
    ('00000000-0000-0000-0000-0000000000e1', 'desk', 'Desk', 1, 'Europe/Berlin');
INSERT INTO booking.availability_rules (resource_id, weekday, start_time, end_time, valid_from, valid_until) VALUES
    ('00000000-0000-0000-0000-0000000000e1', 7, '01:15', '04:00', NULL, NULL),
    ('00000000-0000-0000-0000-0000000000e1', 6, '22:00', '24:00', NULL, NULL),
    ('00000000-0000-0000-0000-0000000000e1', 1, '08:30', '12:00', NULL, NULL),
    ('00000000-0000-0000-0000-0000000000e1', 1, '13:00', '17:45', '2038-03-01', '2038-03-31'),
    ('00000000-0000-0000-0000-0000000000e1', 6, '10:00', '12:00', '2038-06-01', '2038-08-31');
INSERT INTO booking.closures (resource_id, during) VALUES
    ('00000000-0000-0000-0000-0000000000e1', '[2038-03-29 09:00Z, 2038-03-29 10:00Z)'),
    ('00000000-0000-0000-0000-0000000000b4', '[2038-03-15 14:00Z, 2038-03-15 15:30Z)');
INSERT INTO booking.services (slug, name, duration_minutes, slot_step_minutes, max_advance_days,
                              buffer_before_minutes, buffer_after_minutes) VALUES
    ('desk45', 'Desk, 45 minutes', 45, 45, 5000, 15, 0),
    ('team', 'Desk or office', 60, 30, 5000, 0, 15);
INSERT INTO booking.service_resources
SELECT s.id, r.id FROM booking.services s, booking.resources r
 WHERE (s.slug = 'desk45' AND r.slug = 'desk') OR (s.slug = 'team' AND r.slug IN ('desk', 'office'));

-- One-off events: a gala on two venues (one closed that evening, one inactive) and one on a single venue.
INSERT INTO booking.resources (id, slug, name, capacity, timezone, active) VALUES
    ('00000000-0000-0000-0000-0000000000e2', 'stage', 'Stage', 50, 'Europe/Berlin', true),
    ('00000000-0000-0000-0000-0000000000e3', 'annex', 'Annex', 50, 'Europe/Berlin', true),
    ('00000000-0000-0000-0000-0000000000e4', 'attic', 'Attic', 50, 'Europe/Berlin', false);
INSERT INTO booking.closures (resource_id, during) VALUES
    ('00000000-0000-0000-0000-0000000000e3', '[2038-09-01 19:00Z, 2038-09-01 19:15Z)');
INSERT INTO booking.services (slug, name, duration_minutes, slot_step_minutes, max_advance_days, fixed_window,
                              max_seats_per_booking) VALUES
    ('gala2', 'Gala', 120, 60, 5000, '[2038-09-01 18:00Z, 2038-09-01 20:00Z)', 4);
INSERT INTO booking.service_resources
SELECT s.id, r.id FROM booking.services s, booking.resources r WHERE s.slug = 'gala2' AND r.slug IN ('stage', 'annex', 'attic');

-- What book_slot does at a start, undone: 'open' (booked), 'closed', 'not open', or the error.
CREATE FUNCTION pg_temp.try_book(p_service text, p_at timestamptz, p_resource uuid DEFAULT NULL) RETURNS text
    LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        PERFORM api.book_slot(p_service, p_at, '{"name": "Tess", "email": "tess@example.com"}', p_resource => p_resource);
        RAISE EXCEPTION USING ERRCODE = 'XU001';  -- undo the booking
    EXCEPTION WHEN OTHERS THEN
        RETURN CASE
            WHEN SQLSTATE = 'XU001' THEN 'open'
            WHEN SQLSTATE = 'RB422' AND SQLERRM LIKE '%closure%' THEN 'closed'
            WHEN SQLSTATE = 'RB422' AND SQLERRM LIKE '%outside the opening hours%' THEN 'not open'
            ELSE SQLSTATE || ' ' || SQLERRM
        END;
    END;
END
$$;
-- What the slot grid says of that start.
CREATE FUNCTION pg_temp.grid(p_service text, p_at timestamptz, p_resource uuid DEFAULT NULL) RETURNS text
    LANGUAGE sql AS $$
    SELECT CASE WHEN bool_or(c.state = 'available') THEN 'open'
                WHEN bool_or(c.state = 'closed') THEN 'closed'
                ELSE 'not open' END
      FROM internal.slot_candidates((SELECT s FROM booking.services s WHERE s.slug = p_service),
                                    p_at, p_at + interval '1 microsecond') c
     WHERE c.starts_at = p_at AND (p_resource IS NULL OR c.resource_id = p_resource)
$$;
CREATE TEMP TABLE outcomes ON COMMIT DROP AS
SELECT s.slug, t, pg_temp.try_book(s.slug, t) AS booked, pg_temp.grid(s.slug, t) AS grid
  FROM (VALUES ('desk45'), ('team'), ('office')) AS s(slug)
 CROSS JOIN (SELECT generate_series('2038-03-12 20:00Z'::timestamptz, '2038-03-16 04:00Z', interval '15 minutes')
             UNION ALL
             SELECT generate_series('2038-03-26 20:00Z'::timestamptz, '2038-03-30 04:00Z', interval '15 minutes')
             UNION ALL
             SELECT generate_series('2038-06-26 06:00Z'::timestamptz, '2038-06-26 12:00Z', interval '15 minutes')) AS g(t);

SELECT is((SELECT count(*)::integer FROM outcomes WHERE booked IS DISTINCT FROM grid), 0,
          'book_slot agrees with the slot grid at every quarter hour (rules, steps, validity, closures, DST)');
SELECT is((SELECT string_agg(slug || ' ' || t || ': booked ' || booked || ', grid ' || grid, '; ')
             FROM (SELECT * FROM outcomes WHERE booked IS DISTINCT FROM grid ORDER BY slug, t LIMIT 5) d), NULL,
          'no start where they differ');
SELECT ok((SELECT count(*) FILTER (WHERE booked = 'open') > 100 AND count(*) FILTER (WHERE booked = 'not open') > 100
                  AND count(*) FILTER (WHERE booked = 'closed') >= 4 FROM outcomes),
          'the comparison covers bookable, closed and unopened starts');
SELECT ok((SELECT count(*) > 0 FROM outcomes WHERE slug = 'desk45' AND booked = 'open'
             AND t >= '2038-03-28 00:00Z' AND t < '2038-03-28 03:00Z'),
          'the spring-forward night is in the comparison');
SELECT is((SELECT array_agg(to_char(t AT TIME ZONE 'Europe/Berlin', 'HH24:MI') ORDER BY t) FROM outcomes
            WHERE slug = 'desk45' AND booked = 'open' AND t >= '2038-03-29 06:00Z' AND t < '2038-03-29 12:00Z'),
          ARRAY['08:30', '09:15', '10:00', '13:00', '13:45'],
          'a 45-minute step counts from each opening, and a closure (11:00-12:00 local) takes out 10:45');

-- one-off events: the one slot is the window, on every active venue not closed then
SELECT is(pg_temp.try_book('gala2', '2038-09-01 18:00Z'), 'open', 'a one-off event is booked at its start');
SELECT is((SELECT r.slug FROM api.book_slot('gala2', '2038-09-01 18:00Z', '{"name": "Gil", "email": "gil@example.com"}') b
             JOIN booking.resources r ON r.id = b.resource_id), 'stage',
          'a one-off event goes to its open venue: not the closed one, not the inactive one');
SELECT is(pg_temp.try_book('gala2', '2038-09-01 18:00Z', '00000000-0000-0000-0000-0000000000e3'), 'closed',
          'a venue closed during the event refuses it by name');
SELECT is(pg_temp.grid('gala2', '2038-09-01 18:00Z', '00000000-0000-0000-0000-0000000000e3'), 'closed', '... as the grid says');
SELECT is(pg_temp.try_book('gala2', '2038-09-01 18:00Z', '00000000-0000-0000-0000-0000000000e4'), 'not open',
          'an inactive venue is not open');
SELECT is(pg_temp.grid('gala2', '2038-09-01 18:00Z', '00000000-0000-0000-0000-0000000000e4'), 'not open', '... as the grid says');
SELECT is(pg_temp.try_book('gala2', '2038-09-01 19:00Z'), 'RB422 starts_at: this event starts at 2038-09-01 18:00:00+00',
          'a one-off event has no other start');

-- The refusal's cheap proof (internal.allocate_seats): bookings of exactly the requested
-- blocked range hold the sum of their seats, so a full session is refused without building
-- the union of its seats; a lapsed hold does not count, and bookings of other ranges are
-- left to the full scan (the bound only ever proves "too few", never "enough").
INSERT INTO booking.resources (id, slug, name, kind, capacity, timezone) VALUES
    ('00000000-0000-0000-0000-0000000000e5', 'trio', 'Trio', 'venue', 3, 'UTC'),
    ('00000000-0000-0000-0000-0000000000e6', 'duo', 'Duo', 'venue', 2, 'UTC');
INSERT INTO booking.services (slug, name, duration_minutes, slot_step_minutes, max_advance_days, fixed_window,
                              max_seats_per_booking) VALUES
    ('trio-night', 'Trio night', 120, 120, 5000, '[2038-10-01 18:00Z, 2038-10-01 20:00Z)', 3),
    ('duo-early', 'Duo early', 120, 120, 5000, '[2038-10-02 18:00Z, 2038-10-02 20:00Z)', 2),
    ('duo-late', 'Duo late', 120, 120, 5000, '[2038-10-02 19:00Z, 2038-10-02 21:00Z)', 2),
    ('duo-after', 'Duo after', 120, 120, 5000, '[2038-10-02 20:00Z, 2038-10-02 22:00Z)', 2);
INSERT INTO booking.service_resources
SELECT s.id, r.id FROM booking.services s, booking.resources r
 WHERE (s.slug = 'trio-night' AND r.slug = 'trio') OR (s.slug LIKE 'duo-%' AND r.slug = 'duo');
CREATE TEMP TABLE trio_hold ON COMMIT DROP AS
SELECT b.id FROM api.book_slot('trio-night', '2038-10-01 18:00Z', '{"name": "Ty", "email": "ty@example.com"}', p_seats => 2) x,
                 api.hold_slot('trio-night', '2038-10-01 18:00Z') b;
SELECT is(internal.allocate_seats('00000000-0000-0000-0000-0000000000e5', '[2038-10-01 18:00Z, 2038-10-01 20:00Z)', 1, 3),
          NULL, 'a full session (two seats booked, one held) has no seat to give');
SELECT is(pg_temp.try_book('trio-night', '2038-10-01 18:00Z'), 'RB409 slot 2038-10-01 18:00:00+00 is no longer available',
          '... and book_slot refuses');
UPDATE booking.bookings SET hold_expires_at = now() - interval '1 second' WHERE id = (SELECT id FROM trio_hold);
SELECT is(internal.allocate_seats('00000000-0000-0000-0000-0000000000e5', '[2038-10-01 18:00Z, 2038-10-01 20:00Z)', 1, 3),
          '{[3,4)}'::int4multirange, 'the seat of a lapsed hold is free: the bound does not count it');
SELECT is((SELECT b.seats FROM api.book_slot('duo-early', '2038-10-02 18:00Z', '{"name": "Di", "email": "di@example.com"}') b),
          '{[1,2)}'::int4multirange, 'duo: the early session takes seat 1');
SELECT is((SELECT b.seats FROM api.book_slot('duo-after', '2038-10-02 20:00Z', '{"name": "Da", "email": "da@example.com"}') b),
          '{[1,2)}'::int4multirange, 'duo: the after session, which does not overlap the early one, takes seat 1 too');
SELECT is(internal.allocate_seats('00000000-0000-0000-0000-0000000000e6', '[2038-10-02 19:00Z, 2038-10-02 21:00Z)', 1, 2),
          '{[2,3)}'::int4multirange,
          'the late session overlaps both (two seat-bookings) yet has seat 2: only its own range counts in the bound');
SELECT is((SELECT b.seats FROM api.book_slot('duo-late', '2038-10-02 19:00Z', '{"name": "Do", "email": "do@example.com"}') b),
          '{[2,3)}'::int4multirange, '... which the late booking gets');
SELECT is(internal.allocate_seats('00000000-0000-0000-0000-0000000000e6', '[2038-10-02 19:00Z, 2038-10-02 21:00Z)', 1, 2),
          NULL, 'now the late session is full by the scan (its own range holds only one of its two seats)');

SELECT * FROM finish();
ROLLBACK;
