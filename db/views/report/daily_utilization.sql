-- Resource × local day: minutes open (rules minus closures not subtracted), seat-minutes
-- booked by confirmed and pending bookings, and their ratio to capacity × open minutes.
-- Covers days with opening hours or bookings from 30 days back to 60 days ahead of the
-- resource's local today. Open minutes are real minutes between the instants
-- internal.wall_clock reads for the rule's opening and closing times (the reading slot
-- generation uses; internal.open_minutes), so a 00:00-24:00 rule is open 1380 minutes on
-- a 23-hour day, and the session's TimeZone changes nothing.
CREATE VIEW report.daily_utilization AS
WITH days AS (
    SELECT r.id AS resource_id, r.slug, r.timezone, r.capacity, (now() AT TIME ZONE r.timezone)::date + n AS local_date
      FROM booking.resources r
     CROSS JOIN generate_series(-30, 60) AS n
),
open AS (
    SELECT d.resource_id, d.local_date,
           coalesce(sum(internal.open_minutes(d.local_date, ar.start_time, ar.end_time, d.timezone)), 0)::integer
               AS open_minutes
      FROM days d
      LEFT JOIN booking.availability_rules ar
        ON ar.resource_id = d.resource_id
       AND ar.weekday = extract(isodow FROM d.local_date)
       AND (ar.valid_from IS NULL OR d.local_date >= ar.valid_from)
       AND (ar.valid_until IS NULL OR d.local_date <= ar.valid_until)
     GROUP BY d.resource_id, d.local_date
),
booked AS (
    SELECT b.resource_id, (b.starts_at AT TIME ZONE r.timezone)::date AS local_date,
           sum(extract(epoch FROM b.ends_at - b.starts_at) / 60 * b.seat_count)::bigint AS booked_seat_minutes,
           count(*) AS bookings
      FROM booking.bookings b
      JOIN booking.resources r ON r.id = b.resource_id
     WHERE b.status IN ('pending', 'confirmed')
     GROUP BY 1, 2
)
SELECT d.slug AS resource,
       d.local_date,
       d.timezone,
       d.capacity,
       o.open_minutes,
       coalesce(bk.bookings, 0) AS bookings,
       coalesce(bk.booked_seat_minutes, 0) AS booked_seat_minutes,
       CASE WHEN o.open_minutes > 0
            THEN round(coalesce(bk.booked_seat_minutes, 0)::numeric / (o.open_minutes * d.capacity), 4)
       END AS utilization
  FROM days d
  JOIN open o USING (resource_id, local_date)
  LEFT JOIN booked bk USING (resource_id, local_date)
 WHERE o.open_minutes > 0 OR bk.bookings IS NOT NULL;
