-- Seat counters replace the striped seat cursors (issue 10). A multi-seat session
-- (resource, blocked range) of 16 seats or more gets a sequence that hands out seat
-- numbers: nextval is not transactional, so buyers never wait for each other's commit
-- to get a seat number (the stripes' row locks did, and deadlocked through the exclusion
-- constraint). This table only maps a session to its sequence (booking.seat_counter_<id>);
-- the exclusion constraint remains the only guard. Re-created empty: the old rows were hints.
DROP TABLE booking.seat_cursors;

CREATE TABLE booking.seat_cursors (
    id          bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    resource_id uuid NOT NULL REFERENCES booking.resources ON DELETE CASCADE,
    during      tstzrange NOT NULL,
    PRIMARY KEY (resource_id, during)
);
CREATE INDEX seat_cursors_ends_idx ON booking.seat_cursors (upper(during));
