-- api.read_position: what the edge's replica-lag guard reads on a server (docs/scaling.md).
-- On a primary (this test's server): its change sequence, not a standby, no lag. The standby
-- side (replayed seq, lag while replay is paused) is tested with a real standby in tests/scale.
BEGIN;
SELECT plan(6);
\ir fixtures.psql

SELECT is((SELECT seq FROM api.read_position()), api.current_seq(), 'read_position: seq is api.current_seq()');
SELECT is((SELECT standby FROM api.read_position()), false, 'read_position: a primary is not a standby');
SELECT is((SELECT lag_seconds FROM api.read_position()), 0::double precision, 'read_position: a primary has no lag');

CREATE TEMP TABLE booked AS
    SELECT * FROM api.book_slot('consult', '2038-06-28 08:00Z', '{"name": "Gina", "email": "gina@example.com"}');
SELECT is((SELECT seq FROM api.read_position()), api.current_seq(), 'read_position: seq follows a booking');
SELECT cmp_ok((SELECT seq FROM api.read_position()), '>', 0::bigint, 'read_position: a booking moved seq');

SELECT ok(has_function_privilege('booker_app', 'api.read_position()', 'EXECUTE'),
          'read_position: booker_app (the edge) may call it');

SELECT * FROM finish();
ROLLBACK;
