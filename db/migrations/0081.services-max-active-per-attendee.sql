-- "At most N active bookings per attendee" (issue 14): a service setting, enforced by
-- api.book_slot through internal.check_attendee_limit. An attendee is a user (by id) or,
-- for guests, an email address; active means held, pending or confirmed and not yet ended.
-- NULL: no limit.
ALTER TABLE booking.services ADD COLUMN max_active_per_attendee integer;
ALTER TABLE booking.services ADD CONSTRAINT services_max_active_per_attendee_check
    CHECK (max_active_per_attendee IS NULL OR max_active_per_attendee BETWEEN 1 AND 1000);
