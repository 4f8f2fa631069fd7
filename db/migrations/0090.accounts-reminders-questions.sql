-- Issue 14, accounts half: password reset and email verification tokens, verified
-- addresses, a member's time zone, per-service reminder offsets, booking questions and
-- the account emails and reminders in the outbox.

-- Accounts: when the address was verified (NULL: not yet) and the zone the member reads
-- times in (NULL: each resource's own zone).
ALTER TABLE booking.users
    ADD COLUMN email_verified_at timestamptz,
    ADD COLUMN time_zone text,
    ADD CONSTRAINT users_time_zone_check CHECK (time_zone IS NULL OR booking.is_valid_timezone(time_zone));

-- Single-use, expiring account tokens (password reset, email verification). Only the
-- SHA-256 of the token is stored; the token itself is HMAC(BOOKER_SECRET, purpose:id),
-- derived by the edge to store the hash and by the worker to write the link, so neither
-- this table nor the outbox holds a usable token.
CREATE TABLE booking.account_tokens (
    id          uuid PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES booking.users ON DELETE CASCADE,
    purpose     text NOT NULL,
    email       text NOT NULL,  -- the address the token was sent to (verification proves this one)
    token_hash  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    CONSTRAINT account_tokens_purpose_check CHECK (purpose IN ('password_reset', 'verify_email')),
    CONSTRAINT account_tokens_token_hash_key UNIQUE (token_hash),
    CONSTRAINT account_tokens_expiry_check CHECK (expires_at > created_at)
);
CREATE INDEX account_tokens_user_idx ON booking.account_tokens (user_id, purpose);

-- Services: reminder offsets in minutes before the start (default one day), whether
-- booking needs a verified email (members-only services), and the booking questions.
ALTER TABLE booking.services
    ADD COLUMN reminder_offsets integer[] NOT NULL DEFAULT '{1440}',
    ADD COLUMN requires_verified_email boolean NOT NULL DEFAULT false,
    ADD COLUMN questions jsonb NOT NULL DEFAULT '[]',
    ADD CONSTRAINT services_reminder_offsets_check CHECK (
        cardinality(reminder_offsets) <= 5 AND array_position(reminder_offsets, NULL) IS NULL
        AND 0 < ALL (reminder_offsets) AND 43200 >= ALL (reminder_offsets)),
    ADD CONSTRAINT services_questions_check CHECK (jsonb_typeof(questions) = 'array');

-- The outbox carries account emails too: a row belongs to a booking or to a user.
-- Reminders are scheduled rows: next_attempt_at is when they are due (claim_notifications
-- already skips rows not yet due).
ALTER TABLE booking.notification_log
    ALTER COLUMN booking_id DROP NOT NULL,
    ADD COLUMN user_id uuid REFERENCES booking.users ON DELETE CASCADE,
    ADD CONSTRAINT notification_log_owner_check CHECK (booking_id IS NOT NULL OR user_id IS NOT NULL),
    DROP CONSTRAINT notification_log_kind_check,
    ADD CONSTRAINT notification_log_kind_check CHECK (kind IN (
        'customer_confirmed', 'customer_pending', 'customer_approved', 'customer_declined',
        'customer_rescheduled', 'customer_cancelled', 'provider_new', 'provider_rescheduled',
        'provider_cancelled', 'customer_reminder', 'account_password_reset', 'account_verify_email'));
CREATE INDEX notification_log_user_idx ON booking.notification_log (user_id) WHERE user_id IS NOT NULL;
