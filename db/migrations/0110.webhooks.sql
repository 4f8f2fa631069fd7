-- Signed webhooks (issue 16): endpoints registered by admins, and their own outbox.
-- Deliveries are a separate outbox table, written by trigger in the booking's
-- transaction like the email outbox (booking.notification_log) but independent of it,
-- so each can change without the other. Every attempt is logged with its response code.
CREATE TYPE booking.webhook_status AS ENUM ('pending', 'sending', 'delivered', 'failed');

CREATE TABLE booking.webhook_endpoints (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    url                text NOT NULL,
    secret             text NOT NULL,
    events             text[] NOT NULL,
    description        text NOT NULL DEFAULT '',
    active             boolean NOT NULL DEFAULT true,
    max_attempts       integer NOT NULL DEFAULT 8,
    disabled_at        timestamptz,
    disabled_reason    text,
    -- the email to admins about an automatic disabling: its own one-row outbox
    admins_notified_at timestamptz,
    created_by         uuid REFERENCES booking.users ON DELETE SET NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT webhook_endpoints_url_check CHECK (
        length(url) <= 2000 AND url ~ '^https?://[^/?#@\s]+(/[^\s]*)?$'),
    CONSTRAINT webhook_endpoints_secret_check CHECK (length(secret) BETWEEN 16 AND 200),
    CONSTRAINT webhook_endpoints_events_check CHECK (
        cardinality(events) >= 1
        AND events <@ ARRAY['booking.created', 'booking.confirmed', 'booking.declined',
                            'booking.cancelled', 'booking.rescheduled', 'waitlist.offer']),
    CONSTRAINT webhook_endpoints_attempts_check CHECK (max_attempts BETWEEN 1 AND 20),
    CONSTRAINT webhook_endpoints_description_check CHECK (length(description) <= 500)
);

CREATE TABLE booking.webhook_deliveries (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    endpoint_id     uuid NOT NULL REFERENCES booking.webhook_endpoints ON DELETE CASCADE,
    booking_id      uuid NOT NULL REFERENCES booking.bookings ON DELETE CASCADE,
    event           text NOT NULL,
    event_id        uuid NOT NULL DEFAULT gen_random_uuid(),  -- kept by a redelivery: receivers dedupe on it
    payload         jsonb NOT NULL,
    status          booking.webhook_status NOT NULL DEFAULT 'pending',
    attempts        integer NOT NULL DEFAULT 0,
    max_attempts    integer NOT NULL,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    locked_by       text,
    last_status     integer,
    last_error      text,
    redelivery_of   bigint,
    created_at      timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz
);
CREATE INDEX webhook_deliveries_due_idx ON booking.webhook_deliveries (next_attempt_at)
    WHERE status IN ('pending', 'sending');
-- per-booking order: a delivery waits for the earlier ones of its (endpoint, booking)
CREATE INDEX webhook_deliveries_order_idx ON booking.webhook_deliveries (endpoint_id, booking_id, id)
    WHERE status IN ('pending', 'sending');
CREATE INDEX webhook_deliveries_endpoint_idx ON booking.webhook_deliveries (endpoint_id, id);
CREATE INDEX webhook_deliveries_booking_idx ON booking.webhook_deliveries (booking_id);

-- The delivery log: one row per attempt, with the receiver's status code or the error.
CREATE TABLE booking.webhook_attempts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id bigint NOT NULL REFERENCES booking.webhook_deliveries ON DELETE CASCADE,
    attempt     integer NOT NULL,
    at          timestamptz NOT NULL DEFAULT now(),
    status_code integer,
    error       text,
    duration_ms integer,
    worker      text
);
CREATE INDEX webhook_attempts_delivery_idx ON booking.webhook_attempts (delivery_id, id);
