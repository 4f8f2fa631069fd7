-- Seat cursors become stripes: a large session's seats are split into up to 16 ranges,
-- each with its own cursor row, and a buyer takes whichever stripe nobody holds
-- (FOR UPDATE SKIP LOCKED). With one cursor row, every buyer of a hot session queued on
-- its lock until the previous buyer committed. The table only holds allocation hints
-- (the exclusion constraint is the guard), so it is re-created empty.
DROP TABLE booking.seat_cursors;

CREATE TABLE booking.seat_cursors (
    resource_id uuid NOT NULL REFERENCES booking.resources ON DELETE CASCADE,
    during      tstzrange NOT NULL,
    stripe      integer NOT NULL,
    next_seat   integer NOT NULL,
    last_seat   integer NOT NULL,
    PRIMARY KEY (resource_id, during, stripe),
    CONSTRAINT seat_cursors_seats_check CHECK (next_seat >= 1 AND last_seat >= 1)
);
