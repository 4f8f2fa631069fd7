-- Abuse limits shared by every edge process (issue 9): a fixed-window counter per
-- (bucket, key), e.g. ('login', '<address> <email>') or ('holds', '<address>'), written
-- only by api.rate_limit* (UPSERT); rows whose window has ended are deleted as they go.
CREATE TABLE booking.rate_limits (
    bucket       text NOT NULL,
    key          text NOT NULL,
    hits         integer NOT NULL DEFAULT 0,
    window_start timestamptz NOT NULL DEFAULT now(),
    window_end   timestamptz NOT NULL,
    PRIMARY KEY (bucket, key),
    CONSTRAINT rate_limits_hits_check CHECK (hits >= 0),
    CONSTRAINT rate_limits_window_check CHECK (window_end > window_start)
);
CREATE INDEX rate_limits_window_end_idx ON booking.rate_limits (window_end);

-- Who asked for each open hold (the client address, and the user when signed in), so
-- api.hold_slot_for_client can cap the open holds per address and per account. A row
-- outlives its hold only until the next hold from that client (or the periodic sweep).
CREATE TABLE booking.hold_clients (
    booking_id     uuid PRIMARY KEY REFERENCES booking.bookings ON DELETE CASCADE,
    client_address text NOT NULL,
    user_id        uuid REFERENCES booking.users ON DELETE CASCADE,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX hold_clients_address_idx ON booking.hold_clients (client_address);
CREATE INDEX hold_clients_user_idx ON booking.hold_clients (user_id) WHERE user_id IS NOT NULL;

-- The login limiter of 0010 keyed on the email alone, so a stranger could lock the owner
-- out; it is replaced by rate_limits buckets keyed on (address, email) and on the address.
DROP TABLE booking.login_attempts;
