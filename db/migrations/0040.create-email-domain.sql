-- One email rule for every address Booker stores: the domain booking.email_address, used by
-- users.email, bookings.attendee_email and resources.email. It accepts only what the mail
-- path carries unchanged (aiosmtplib's RCPT TO, email.headerregistry, the .ics mailto:):
-- an ASCII dot-atom local part (RFC 5322 atext: letters, digits and !#$%&'*+/=?^_`{|}~-,
-- no leading, trailing or double dot, at most 64 characters), one @, and a host name
-- (letters, digits and inner hyphens per label, labels separated by single dots; a
-- single label such as `localhost` is allowed), 254 characters at most. So no whitespace,
-- control characters, quotes, comments or <>()[]\,;:" anywhere. See docs/decisions.md.
CREATE FUNCTION booking.is_email_address(p_address text) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
    SELECT length(p_address) <= 254
       AND length(split_part(p_address, '@', 1)) <= 64
       AND p_address ~ ('^[A-Za-z0-9!#$%&''*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&''*+/=?^_`{|}~-]+)*'
                        '@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$')
$$;

CREATE DOMAIN booking.email_address AS text
    CONSTRAINT email_address_check CHECK (booking.is_email_address(VALUE));

-- Addresses stored before this rule that break it are moved here (and replaced, see
-- below), so the migration never fails on an existing database and nothing is lost.
-- An operator reviews them with `SELECT * FROM booking.invalid_emails`.
CREATE TABLE booking.invalid_emails (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    table_name  text NOT NULL,
    row_id      uuid NOT NULL,
    column_name text NOT NULL,
    value       text NOT NULL,
    replaced_by text,
    found_at    timestamptz NOT NULL DEFAULT now()
);

-- Views of these columns block ALTER COLUMN TYPE; they are stateless and `booker migrate`
-- re-creates the whole schema right after the migrations.
DROP SCHEMA IF EXISTS report CASCADE;
CREATE SCHEMA report;

-- Guests' and resources' bad addresses become NULL (a booking then sends no customer
-- email; a resource's mail goes to its owner), users' become a unique address under the
-- reserved .invalid domain (RFC 2606), since the column is the sign-in name and NOT NULL.
WITH bad AS (
    INSERT INTO booking.invalid_emails (table_name, row_id, column_name, value)
    SELECT 'bookings', id, 'attendee_email', attendee_email FROM booking.bookings
     WHERE NOT booking.is_email_address(attendee_email)
    RETURNING row_id
)
UPDATE booking.bookings b SET attendee_email = NULL FROM bad WHERE b.id = bad.row_id;

WITH bad AS (
    INSERT INTO booking.invalid_emails (table_name, row_id, column_name, value)
    SELECT 'resources', id, 'email', email FROM booking.resources
     WHERE NOT booking.is_email_address(email)
    RETURNING row_id
)
UPDATE booking.resources r SET email = NULL FROM bad WHERE r.id = bad.row_id;

WITH bad AS (
    INSERT INTO booking.invalid_emails (table_name, row_id, column_name, value, replaced_by)
    SELECT 'users', id, 'email', email, 'invalid-' || id || '@invalid.invalid' FROM booking.users
     WHERE NOT booking.is_email_address(email)
    RETURNING row_id, replaced_by
)
UPDATE booking.users u SET email = bad.replaced_by FROM bad WHERE u.id = bad.row_id;

ALTER TABLE booking.users DROP CONSTRAINT users_email_check;
ALTER TABLE booking.users ALTER COLUMN email TYPE booking.email_address;
ALTER TABLE booking.bookings ALTER COLUMN attendee_email TYPE booking.email_address;
ALTER TABLE booking.resources ALTER COLUMN email TYPE booking.email_address;
