-- Weekly rules of one resource must not overlap: two rules of the same weekday whose
-- [start, end) hours and validity periods (NULL = unbounded) both overlap are a mistake,
-- not a union. Was checked only by the edge (admin.py _overlaps); now every writer meets it.
-- A deployment holding such pairs must merge them before this migration applies.
CREATE TYPE booking.timerange AS RANGE (subtype = time);

ALTER TABLE booking.availability_rules
    ADD CONSTRAINT availability_rules_no_overlap_excl EXCLUDE USING gist (
        resource_id WITH =,
        weekday WITH =,
        booking.timerange(start_time, end_time) WITH &&,
        daterange(valid_from, valid_until, '[]') WITH &&);
