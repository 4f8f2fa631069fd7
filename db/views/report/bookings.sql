-- One flat row per booking, with local start/end in the resource's zone, and the answers
-- to the service's booking questions on one line (issue 14).
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
       b.updated_at,
       -- as internal.answers_text (the CSV export) writes them; inline: booker_report
       -- executes no internal function but open_minutes (08_privileges)
       (SELECT string_agg((a ->> 'label') || ': ' || CASE jsonb_typeof(a -> 'answer')
                   WHEN 'boolean' THEN CASE WHEN (a ->> 'answer')::boolean THEN 'yes' ELSE 'no' END
                   ELSE regexp_replace(a ->> 'answer', '\s+', ' ', 'g') END, '; ' ORDER BY i)
          FROM jsonb_array_elements(CASE WHEN jsonb_typeof(b.metadata -> 'answers') = 'array'
                                         THEN b.metadata -> 'answers' ELSE '[]' END) WITH ORDINALITY AS t(a, i))
           AS answers
  FROM booking.bookings b
  JOIN booking.services s ON s.id = b.service_id
  JOIN booking.resources r ON r.id = b.resource_id;
