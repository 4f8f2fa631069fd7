-- One flat row per booking, with local start/end in the resource's zone.
CREATE VIEW report.bookings AS
SELECT b.id,
       b.reference,
       s.slug AS service,
       s.name AS service_name,
       r.slug AS resource,
       r.name AS resource_name,
       r.timezone,
       b.status::text AS status,
       b.starts_at,
       b.ends_at,
       b.starts_at AT TIME ZONE r.timezone AS local_starts_at,
       b.ends_at AT TIME ZONE r.timezone AS local_ends_at,
       (b.starts_at AT TIME ZONE r.timezone)::date AS local_date,
       b.seat_count AS seats,
       b.price,
       b.currency,
       b.attendee_name,
       b.attendee_email,
       b.user_id IS NULL AS guest,
       b.created_at,
       b.updated_at
  FROM booking.bookings b
  JOIN booking.services s ON s.id = b.service_id
  JOIN booking.resources r ON r.id = b.resource_id;
