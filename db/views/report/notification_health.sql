-- Outbox health: counts by status, the age of the oldest unsent message, and the
-- failures of the last 24 hours. last_error is the latest error of a row in that status
-- that is still about it: a 'failed' row's reason, a 'pending' row's failed attempt
-- awaiting its retry, a 'sending' row's previous attempt; a 'sent' row keeps the error
-- of an earlier attempt in notification_log, but the email went out, so its line shows none.
-- A reminder (issue 14) is a pending row scheduled ahead: it counts among the pending
-- messages, but its age runs from the moment it is due (start - reminder_minutes), and
-- one not yet due has none, so a reminder planned for next week is no stuck queue.
CREATE VIEW report.notification_health AS
SELECT st.status::text AS status,
       count(n.id) AS messages,
       CASE WHEN st.status IN ('pending', 'sending')
            THEN extract(epoch FROM now() - min(n.due_at) FILTER (WHERE n.due_at <= now()))::integer
       END AS oldest_age_seconds,
       count(n.id) FILTER (WHERE st.status = 'failed' AND n.created_at > now() - interval '24 hours')
           AS failed_last_24h,
       (array_agg(n.last_error ORDER BY n.id DESC) FILTER (WHERE n.last_error IS NOT NULL AND st.status <> 'sent'))[1]
           AS last_error
  FROM unnest(enum_range(NULL::booking.notification_status)) AS st(status)
  LEFT JOIN (SELECT l.*, CASE WHEN l.kind = 'customer_reminder'
                              THEN (l.payload ->> 'starts_at')::timestamptz
                                   - make_interval(mins => (l.payload ->> 'reminder_minutes')::integer)
                              ELSE l.created_at END AS due_at
               FROM booking.notification_log l) n ON n.status = st.status
 GROUP BY st.status;
