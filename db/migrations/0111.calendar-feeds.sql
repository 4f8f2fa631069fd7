-- Calendar subscription feeds (issue 16): one secret token per subject (a member's own
-- bookings, a provider's resources, one resource). Rotating replaces the token, so the
-- old URL stops working at once. The token is stored as it is: it reveals nothing the
-- database does not already hold (the feed is a view of the bookings table).
CREATE TABLE booking.calendar_feeds (
    token        text PRIMARY KEY,
    subject_kind text NOT NULL,
    subject_id   uuid NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT calendar_feeds_kind_check CHECK (subject_kind IN ('member', 'provider', 'resource')),
    CONSTRAINT calendar_feeds_subject_key UNIQUE (subject_kind, subject_id)
);
