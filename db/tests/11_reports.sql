-- report.* views: local times, daily utilization, service sales and outbox health.
-- daily_utilization covers 30 days back to 60 days ahead, so these bookings are near.
BEGIN;
SELECT plan(23);
\ir fixtures.psql

-- D: three days ahead in Berlin; the consultation at 10:00 Berlin, the concert at 18:00 New York.
CREATE TEMP TABLE d ON COMMIT DROP AS
SELECT (now() AT TIME ZONE 'Europe/Berlin')::date + 3 AS day;
INSERT INTO saved SELECT 'c1', b.id FROM d, api.book_slot('consult', (d.day + time '10:00') AT TIME ZONE 'Europe/Berlin', '{}',
    p_user => '00000000-0000-0000-0000-0000000000a2') b;
INSERT INTO saved SELECT 'c2', b.id FROM d, api.book_slot('consult', (d.day + time '14:00') AT TIME ZONE 'Europe/Berlin',
    '{"name": "Gina", "email": "gina@example.com"}') b;
INSERT INTO saved SELECT 'h1', b.id FROM d, api.book_slot('concert', (d.day + time '18:00') AT TIME ZONE 'America/New_York',
    '{"name": "Hal", "email": "hal@example.com"}', p_seats => 3) b;
INSERT INTO saved SELECT 'x1', b.id FROM d, api.book_slot('consult', (d.day + time '16:00') AT TIME ZONE 'Europe/Berlin',
    '{"name": "Ivy", "email": "ivy@example.com"}') b;
SELECT api.cancel_booking(pg_temp.bid('x1'), NULL) IS NOT NULL AS cancelled \gset
INSERT INTO saved SELECT 'hold', b.id FROM d, api.hold_slot('consult', (d.day + time '18:00') AT TIME ZONE 'Europe/Berlin') b;

-- report.bookings ---------------------------------------------------------------------------------
SELECT is((SELECT local_starts_at FROM report.bookings WHERE id = pg_temp.bid('c1')), (SELECT day + time '10:00' FROM d),
          'report.bookings: local start in the resource''s zone (Berlin)');
SELECT is((SELECT local_starts_at FROM report.bookings WHERE id = pg_temp.bid('h1')), (SELECT day + time '18:00' FROM d),
          'report.bookings: local start in the resource''s zone (New York)');
SELECT is((SELECT (local_ends_at, local_date) FROM report.bookings WHERE id = pg_temp.bid('h1')),
          (SELECT (day + time '20:00', day) FROM d), 'report.bookings: local end and local date');
SELECT is((SELECT jsonb_build_array(reference, service, service_name, resource, resource_name, timezone, status, seats, price, currency, guest)
             FROM report.bookings WHERE id = pg_temp.bid('h1')),
          jsonb_build_array((pg_temp.bk('h1')).reference, 'concert', 'Concert', 'hall', 'Concert Hall', 'America/New_York',
                            'confirmed', 3, 60.00, 'USD', true),
          'report.bookings: one flat row with service, resource, status, seats, price and guest flag');
SELECT is((SELECT (attendee_name, guest) FROM report.bookings WHERE id = pg_temp.bid('c1')), ('Max Member'::text, false),
          'report.bookings: a member''s booking is not a guest''s');
SELECT is((SELECT count(*)::integer FROM report.bookings), 5, 'report.bookings: every booking, whatever its status');

-- report.daily_utilization ------------------------------------------------------------------------
SELECT is((SELECT jsonb_build_array(open_minutes, bookings, booked_seat_minutes, utilization, capacity, timezone)
             FROM report.daily_utilization, d WHERE resource = 'room-a' AND local_date = d.day),
          jsonb_build_array(1440, 2, 120, 0.0833, 1, 'Europe/Berlin'),
          'daily_utilization: room-a open 24 h, 2 hours booked (the cancelled and held ones do not count)');
SELECT is((SELECT jsonb_build_array(open_minutes, bookings, booked_seat_minutes, utilization)
             FROM report.daily_utilization, d WHERE resource = 'hall' AND local_date = d.day),
          jsonb_build_array(1440, 1, 360, 0.0250),
          'daily_utilization: seat-minutes count seats (3 seats x 120 minutes of 10 x 1440)');
SELECT is((SELECT utilization FROM report.daily_utilization, d WHERE resource = 'room-b' AND local_date = d.day), 0.0000,
          'daily_utilization: an open day without bookings is 0');
SELECT is((SELECT array_agg(DISTINCT open_minutes) FROM report.daily_utilization
            WHERE resource = 'office' AND extract(isodow FROM local_date) BETWEEN 1 AND 5),
          ARRAY[480], 'daily_utilization: the office is open 480 minutes on weekdays');
SELECT is((SELECT count(*)::integer FROM report.daily_utilization
            WHERE resource = 'office' AND extract(isodow FROM local_date) IN (6, 7)), 0,
          'daily_utilization: no row for closed days without bookings');
SELECT ok((SELECT bool_and(utilization BETWEEN 0 AND 1) FROM report.daily_utilization), 'daily_utilization: utilization within 0..1');
SELECT ok((SELECT bool_and(local_date BETWEEN (now() AT TIME ZONE timezone)::date - 30 AND (now() AT TIME ZONE timezone)::date + 60)
             FROM report.daily_utilization),
          'daily_utilization: covers 30 days back to 60 days ahead of each resource''s local today');

-- report.service_sales ------------------------------------------------------------------------------
SELECT is((SELECT jsonb_build_array(service_name, bookings, seats, revenue, currency, cancellations)
             FROM report.service_sales WHERE service = 'consult' AND day = current_date),
          jsonb_build_array('Consultation', 2, 2, 100.00, 'EUR', 1),
          'service_sales: consult sold 2 bookings for 100 EUR today, 1 cancelled, the hold not counted');
SELECT is((SELECT jsonb_build_array(bookings, seats, revenue, currency, cancellations)
             FROM report.service_sales WHERE service = 'concert' AND day = current_date),
          jsonb_build_array(1, 3, 60.00, 'USD', 0), 'service_sales: concert sold 3 seats for 60 USD');
SELECT is((SELECT count(*)::integer FROM report.service_sales WHERE service = 'duo'), 0, 'service_sales: no row for unsold services');

SET LOCAL timezone = 'Pacific/Pago_Pago';
SELECT is((SELECT day FROM report.service_sales WHERE service = 'concert'), (now() AT TIME ZONE 'UTC')::date,
          'service_sales: the day is the UTC date whatever the session''s time zone');
RESET timezone;
SET LOCAL timezone = 'UTC';

-- report.notification_health ---------------------------------------------------------------------
SELECT is((SELECT array_agg(status ORDER BY status) FROM report.notification_health),
          ARRAY['failed', 'pending', 'sending', 'sent'], 'notification_health: one row per status');
SELECT is((SELECT messages FROM report.notification_health WHERE status = 'pending'),
          (SELECT count(*) FROM booking.notification_log), 'notification_health: every queued email is pending');
SELECT ok((SELECT oldest_age_seconds >= 0 FROM report.notification_health WHERE status = 'pending'),
          'notification_health: age of the oldest pending email');
UPDATE booking.notification_log SET status = 'failed', attempts = 8, last_error = '550 mailbox unavailable'
 WHERE id = (SELECT min(id) FROM booking.notification_log);
UPDATE booking.notification_log SET status = 'sent', attempts = 1, sent_at = now()
 WHERE id = (SELECT max(id) FROM booking.notification_log);
SELECT is((SELECT jsonb_build_array(messages, failed_last_24h, last_error) FROM report.notification_health WHERE status = 'failed'),
          jsonb_build_array(1, 1, '550 mailbox unavailable'), 'notification_health: failures with the last error');
SELECT is((SELECT (messages, oldest_age_seconds) FROM report.notification_health WHERE status = 'sent'), (1::bigint, NULL::integer),
          'notification_health: sent messages have no age');
SELECT is((SELECT sum(messages) FROM report.notification_health), (SELECT count(*) FROM booking.notification_log)::numeric,
          'notification_health: the counts add up');

SELECT * FROM finish();
ROLLBACK;
