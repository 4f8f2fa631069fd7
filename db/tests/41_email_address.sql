-- The one email rule (domain booking.email_address, migration 0040): what it refuses and
-- accepts, and that users, bookings and resources all use it.
BEGIN;
SELECT plan(33);
\ir fixtures.psql

SELECT is(format_type(atttypid, atttypmod), 'booking.email_address', format('%s.%s is booking.email_address', attrelid::regclass, attname))
  FROM pg_attribute
 WHERE (attrelid, attname) IN (('booking.users'::regclass, 'email'), ('booking.bookings'::regclass, 'attendee_email'),
                               ('booking.resources'::regclass, 'email'))
 ORDER BY attrelid::regclass::text;

-- Refused: what the SMTP library would reject or misread (issue 9), and other malformed addresses.
SELECT is(booking.is_email_address(a), false, format('refuses %s', a))
  FROM unnest(ARRAY['a<b>@c.de', 'a"b@c.de', 'x>,<y@z.zz', 'a(b)@c.de', 'a;b@c.de', 'a b@c.de', E'a\tb@c.de',
                    E'a@c.de\n', 'a[b]@c.de', 'a\b@c.de', 'a,b@c.de', 'a:b@c.de', 'no-at-sign', 'a@b@c.de', '@c.de', 'a@',
                    'a..b@c.de', '.a@c.de', 'a@c..de', 'a@-c.de', 'jörg@example.de']) AS a;

SELECT is(booking.is_email_address(a), true, format('accepts %s', a))
  FROM unnest(ARRAY['gina@guest.test', 'o''brien+tag@mail.example.ie', 'admin@localhost', 'x@xn--exmple-cua.de']) AS a;

-- Each table's writes go through the domain: 23514 email_address_check.
SELECT is(pg_temp.violation($$INSERT INTO booking.users (email, name) VALUES ('a(b)@c.de', 'X')$$),
          '23514 email_address_check', 'users.email uses the rule');
SELECT is(pg_temp.violation($$UPDATE booking.resources SET email = 'x>,<y@z.zz' WHERE slug = 'room-b'$$),
          '23514 email_address_check', 'resources.email uses the rule');
SELECT ok((api.book_slot('consult', '2038-06-16 12:00Z', '{"name": "N", "email": "n@example.com"}')).id IS NOT NULL, 'a booking');
SELECT is(pg_temp.violation($$UPDATE booking.bookings SET attendee_email = 'a;b@c.de'$$),
          '23514 email_address_check', 'bookings.attendee_email uses the rule');
SELECT throws_ok($$SELECT api.book_slot('consult', '2038-06-16 12:00Z', '{"name": "N", "email": "a\"b@c.de"}')$$,
                 'RB422', 'attendee.email: is not an email address', 'book_slot names attendee.email');

SELECT * FROM finish();
ROLLBACK;
