-- The booker's choice of resource: slot_grid filtered to one resource of the service,
-- book_slot with that resource, and the resource's location in booking_json.
BEGIN;
SELECT plan(9);
\ir fixtures.psql

-- duo is delivered by room-a and room-b; room-a is taken at 10:00.
INSERT INTO saved SELECT 'a', b.id FROM api.book_slot('duo', '2038-06-21 10:00Z',
    '{"name": "Ann", "email": "ann@test.example"}', p_resource => '00000000-0000-0000-0000-0000000000b1') b;

SELECT is((SELECT status FROM api.slot_grid('duo', '2038-06-21 10:00Z', '2038-06-21 10:15Z')), 'available',
          'any available: 10:00 is free while room-b is');
SELECT is((SELECT status FROM api.slot_grid('duo', '2038-06-21 10:00Z', '2038-06-21 10:15Z', 'room-a')), 'booked',
          'filtered to room-a: 10:00 is booked');
SELECT is((SELECT status FROM api.slot_grid('duo', '2038-06-21 10:00Z', '2038-06-21 10:15Z', 'room-b')), 'available',
          'filtered to room-b: 10:00 is free');
SELECT is((SELECT status FROM api.slot_grid('duo', '2038-06-21 10:00Z', '2038-06-21 10:15Z',
                                            '00000000-0000-0000-0000-0000000000b1')), 'booked',
          'the filter takes an id as well as a slug');
SELECT is(pg_temp.err($$SELECT * FROM api.slot_grid('duo', '2038-06-21 10:00Z', '2038-06-21 11:00Z', 'hall')$$) -> 'detail',
          '{"errors": {"resource": "is not one of the resources of this service"}}',
          'a resource of another service is RB422 naming resource');
SELECT is(pg_temp.err($$SELECT * FROM api.slot_grid('duo', '2038-06-21 10:00Z', '2038-06-21 11:00Z', 'nope')$$) ->> 'state',
          'RB422', 'an unknown resource is RB422');

-- booking the chosen resource: room-b at 10:00 (room-a is taken), its location in the JSON
INSERT INTO saved SELECT 'b', b.id FROM api.book_slot('duo', '2038-06-21 10:00Z',
    '{"name": "Bo", "email": "bo@test.example"}', p_resource => '00000000-0000-0000-0000-0000000000b2') b;
SELECT is(api.booking_json(pg_temp.bk('b')) ->> 'resource', 'room-b', 'the booking is on the chosen resource');
SELECT is(api.booking_json(pg_temp.bk('b')) ->> 'location', 'Berlin, floor 2', 'booking_json names its location');
SELECT is((SELECT status FROM api.slot_grid('duo', '2038-06-21 10:00Z', '2038-06-21 10:15Z')), 'booked',
          'both taken: any available shows booked');

SELECT * FROM finish();
ROLLBACK;
