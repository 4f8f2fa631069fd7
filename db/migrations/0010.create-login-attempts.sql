-- Login rate limiting, shared by every edge process: failures per key (the lower-cased
-- email) in a 15-minute window; from the fifth failure on the key is locked for
-- 1, 2, 4 … up to 15 minutes, and /auth/login answers 429 with Retry-After.
CREATE TABLE booking.login_attempts (
    key               text PRIMARY KEY,
    failures          integer NOT NULL DEFAULT 0,
    window_started_at timestamptz NOT NULL DEFAULT now(),
    locked_until      timestamptz,
    CONSTRAINT login_attempts_failures_check CHECK (failures >= 0)
);
