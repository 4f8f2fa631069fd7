BEGIN;
SELECT plan(8);

SELECT has_schema('booking');
SELECT has_schema('api');
SELECT has_schema('report');
SELECT has_table('booking', 'bookings', 'bookings table exists');
SELECT has_extension('btree_gist');
SELECT col_not_null('booking', 'bookings', 'blocked', 'blocked range is required');
SELECT is(
    (SELECT contype::text FROM pg_constraint WHERE conname = 'bookings_no_overlap_excl'),
    'x', 'the no-overlap guard is an exclusion constraint');
SELECT function_returns('api', 'book_slot',
    ARRAY['text', 'timestamp with time zone', 'jsonb', 'uuid', 'uuid', 'integer', 'jsonb', 'text', 'uuid', 'text', 'text'],
    'booking.bookings', 'api.book_slot returns a booking row');

SELECT * FROM finish();
ROLLBACK;
