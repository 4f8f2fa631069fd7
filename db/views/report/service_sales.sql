-- Service × day (of creation, UTC): bookings, seats and revenue of what is confirmed or
-- pending, and cancellations. The day is the UTC date whatever the reader's TimeZone.
CREATE VIEW report.service_sales AS
SELECT s.slug AS service,
       s.name AS service_name,
       (b.created_at AT TIME ZONE 'UTC')::date AS day,
       count(*) FILTER (WHERE b.status IN ('pending', 'confirmed')) AS bookings,
       coalesce(sum(b.seat_count) FILTER (WHERE b.status IN ('pending', 'confirmed')), 0) AS seats,
       coalesce(sum(b.price) FILTER (WHERE b.status IN ('pending', 'confirmed')), 0) AS revenue,
       s.currency,
       count(*) FILTER (WHERE b.status = 'cancelled') AS cancellations
  FROM booking.bookings b
  JOIN booking.services s ON s.id = b.service_id
 WHERE b.status <> 'held' AND b.status <> 'expired'
 GROUP BY s.slug, s.name, (b.created_at AT TIME ZONE 'UTC')::date, s.currency;
