-- The booker's time zone (issue 14): the zone the booking page showed when the booking was
-- made, sent by the client. The attendee's emails and invitation show times in it; NULL
-- means the resource's zone (bookings made before, or by clients that send none).
-- Validated like a resource's zone (booking.is_valid_timezone: tz database names only).
ALTER TABLE booking.bookings ADD COLUMN attendee_timezone text;
ALTER TABLE booking.bookings ADD CONSTRAINT bookings_attendee_timezone_check
    CHECK (attendee_timezone IS NULL OR booking.is_valid_timezone(attendee_timezone));
