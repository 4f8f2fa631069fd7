-- Signed links in the provider's "please confirm" email (issue 13): a server secret that
-- only the database knows (the links are made and checked by api.* functions), and the
-- links already used, so each acts once. docs/decisions.md, "Email action links".
CREATE TABLE booking.server_secrets (
    name       text PRIMARY KEY,
    secret     bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT server_secrets_secret_check CHECK (length(secret) >= 32)
);
-- 256 bits from the server's strong random source (gen_random_uuid: 122 random bits each;
-- core PostgreSQL, so no extension is needed). Rotating it: UPDATE … SET secret = …
-- invalidates every link already sent.
INSERT INTO booking.server_secrets (name, secret)
SELECT 'email_action', decode(string_agg(replace(gen_random_uuid()::text, '-', ''), ''), 'hex')
  FROM generate_series(1, 3);

CREATE TABLE booking.email_action_uses (
    token_hash text PRIMARY KEY,  -- SHA-256 (hex) of the token, never the token itself
    booking_id uuid NOT NULL REFERENCES booking.bookings ON DELETE CASCADE,
    action     text NOT NULL,
    used_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT email_action_uses_action_check CHECK (action IN ('confirm', 'decline'))
);
CREATE INDEX email_action_uses_booking_idx ON booking.email_action_uses (booking_id);
