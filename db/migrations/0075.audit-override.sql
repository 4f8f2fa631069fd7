-- An admin who acts past a rule meant for customers (cancelling or moving a booking inside
-- the service's cancellation cutoff) leaves a note in the audit row of that change, so the
-- trail says the cutoff was overridden and by whom (issue 13). NULL: an ordinary change.
ALTER TABLE booking.booking_audit ADD COLUMN override text;
