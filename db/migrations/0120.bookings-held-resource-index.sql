-- The lapsed holds in the way of a placement (internal.expire_lapsed_holds) are found among
-- the holds of the resource, not among all its bookings: without this index the check
-- walked every booking of a sold-out session (10,000 index entries and heap rows, about
-- 2 ms) on every refusal. Only holds are in it, so bookings do not pay for it.
CREATE INDEX bookings_held_resource_idx ON booking.bookings USING gist (resource_id, blocked)
    WHERE status = 'held';
