-- Booker core schema: private tables in schema "booking".
-- Stateful objects only (types, tables, constraints, indexes, roles).
-- Functions, triggers, views and grants are re-applied by `booker migrate`
-- from db/functions, db/views and db/grants.sql.

CREATE EXTENSION IF NOT EXISTS btree_gist;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'booker_app') THEN
        CREATE ROLE booker_app NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'booker_report') THEN
        CREATE ROLE booker_report NOLOGIN;
    END IF;
END
$$;

CREATE SCHEMA booking;
REVOKE ALL ON SCHEMA booking FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC;
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

CREATE TYPE booking.user_role AS ENUM ('admin', 'member');
CREATE TYPE booking.booking_status AS ENUM
    ('held', 'pending', 'confirmed', 'cancelled', 'expired', 'declined');
CREATE TYPE booking.notification_status AS ENUM ('pending', 'sending', 'sent', 'failed');
CREATE TYPE booking.service_visibility AS ENUM ('public', 'members', 'unlisted');

-- Helpers that constraints depend on: they live with the tables they guard.
CREATE FUNCTION booking.is_valid_timezone(p_zone text) RETURNS boolean
    LANGUAGE sql STABLE STRICT
    AS $$ SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_timezone_names WHERE name = p_zone) $$;

CREATE FUNCTION booking.multirange_size(p_seats int4multirange) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT coalesce(sum(upper(r) - lower(r)), 0)::integer FROM unnest(p_seats) AS r $$;

CREATE FUNCTION booking.on_grid(p_at timestamptz) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT extract(epoch FROM p_at) % 900 = 0 $$;

CREATE TABLE booking.users (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email         text NOT NULL,
    name          text NOT NULL,
    password_hash text,
    role          booking.user_role NOT NULL DEFAULT 'member',
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    disabled_at   timestamptz,
    CONSTRAINT users_email_check CHECK (email ~ '^[^@\s]+@[^@\s]+$' AND length(email) <= 254),
    CONSTRAINT users_name_check CHECK (length(name) BETWEEN 1 AND 200)
);
CREATE UNIQUE INDEX users_email_key ON booking.users (lower(email));

CREATE TABLE booking.api_tokens (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id      uuid NOT NULL REFERENCES booking.users ON DELETE CASCADE,
    name         text NOT NULL,
    token_hash   text NOT NULL,
    prefix       text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    expires_at   timestamptz,
    revoked_at   timestamptz,
    CONSTRAINT api_tokens_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX api_tokens_user_idx ON booking.api_tokens (user_id);

CREATE TABLE booking.refresh_tokens (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES booking.users ON DELETE CASCADE,
    family_id   uuid NOT NULL,
    token_hash  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    rotated_at  timestamptz,
    revoked_at  timestamptz,
    CONSTRAINT refresh_tokens_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX refresh_tokens_family_idx ON booking.refresh_tokens (family_id);

CREATE TABLE booking.resources (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug        text NOT NULL,
    name        text NOT NULL,
    kind        text NOT NULL DEFAULT 'room',
    capacity    integer NOT NULL DEFAULT 1,
    timezone    text NOT NULL,
    owner_id    uuid REFERENCES booking.users ON DELETE SET NULL,
    email       text,
    location    text,
    description text NOT NULL DEFAULT '',
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT resources_slug_key UNIQUE (slug),
    CONSTRAINT resources_slug_check CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    CONSTRAINT resources_kind_check CHECK (kind IN ('room', 'person', 'team', 'venue', 'equipment')),
    CONSTRAINT resources_capacity_check CHECK (capacity BETWEEN 1 AND 100000),
    CONSTRAINT resources_timezone_check CHECK (booking.is_valid_timezone(timezone))
);

-- Weekly opening hours in the resource's local wall-clock time.
-- weekday is ISO (1 = Monday … 7 = Sunday); end_time may be 24:00.
CREATE TABLE booking.availability_rules (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    resource_id uuid NOT NULL REFERENCES booking.resources ON DELETE CASCADE,
    weekday     smallint NOT NULL,
    start_time  time NOT NULL,
    end_time    time NOT NULL,
    valid_from  date,
    valid_until date,
    CONSTRAINT availability_rules_weekday_check CHECK (weekday BETWEEN 1 AND 7),
    CONSTRAINT availability_rules_times_check CHECK (end_time > start_time),
    CONSTRAINT availability_rules_grid_check CHECK (
        extract(epoch FROM start_time)::integer % 900 = 0
        AND extract(epoch FROM end_time)::integer % 900 = 0),
    CONSTRAINT availability_rules_validity_check CHECK (valid_until >= valid_from)
);
CREATE INDEX availability_rules_resource_idx ON booking.availability_rules (resource_id, weekday);

CREATE TABLE booking.closures (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    resource_id uuid NOT NULL REFERENCES booking.resources ON DELETE CASCADE,
    during      tstzrange NOT NULL,
    reason      text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT closures_during_check CHECK (NOT isempty(during) AND NOT lower_inf(during) AND NOT upper_inf(during))
);
CREATE INDEX closures_resource_during_idx ON booking.closures USING gist (resource_id, during);

CREATE TABLE booking.services (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug                  text NOT NULL,
    name                  text NOT NULL,
    description           text NOT NULL DEFAULT '',
    duration_minutes      integer NOT NULL,
    slot_step_minutes     integer NOT NULL,
    buffer_before_minutes integer NOT NULL DEFAULT 0,
    buffer_after_minutes  integer NOT NULL DEFAULT 0,
    min_notice_minutes    integer NOT NULL DEFAULT 0,
    max_advance_days      integer NOT NULL DEFAULT 60,
    cancellation_cutoff_minutes integer NOT NULL DEFAULT 0,
    price                 numeric(10, 2) NOT NULL DEFAULT 0,
    currency              char(3) NOT NULL DEFAULT 'EUR',
    max_seats_per_booking integer NOT NULL DEFAULT 1,
    requires_confirmation boolean NOT NULL DEFAULT false,
    visibility            booking.service_visibility NOT NULL DEFAULT 'public',
    fixed_window          tstzrange,
    venue                 text,
    active                boolean NOT NULL DEFAULT true,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT services_slug_key UNIQUE (slug),
    CONSTRAINT services_slug_check CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    CONSTRAINT services_duration_check CHECK (duration_minutes > 0 AND duration_minutes <= 480 AND duration_minutes % 15 = 0),
    CONSTRAINT services_slot_step_check CHECK (slot_step_minutes > 0 AND slot_step_minutes % 15 = 0),
    CONSTRAINT services_buffers_check CHECK (
        buffer_before_minutes >= 0 AND buffer_before_minutes % 15 = 0 AND buffer_before_minutes <= 480
        AND buffer_after_minutes >= 0 AND buffer_after_minutes % 15 = 0 AND buffer_after_minutes <= 480),
    CONSTRAINT services_notice_check CHECK (min_notice_minutes >= 0 AND max_advance_days > 0
        AND cancellation_cutoff_minutes >= 0),
    CONSTRAINT services_price_check CHECK (price >= 0 AND currency ~ '^[A-Z]{3}$'),
    CONSTRAINT services_seats_check CHECK (max_seats_per_booking BETWEEN 1 AND 1000),
    CONSTRAINT services_fixed_window_check CHECK (
        fixed_window IS NULL OR (
            NOT isempty(fixed_window) AND lower_inc(fixed_window) AND NOT upper_inc(fixed_window)
            AND booking.on_grid(lower(fixed_window)) AND booking.on_grid(upper(fixed_window))
            AND upper(fixed_window) - lower(fixed_window) = make_interval(mins => duration_minutes)))
);

CREATE TABLE booking.service_resources (
    service_id  uuid NOT NULL REFERENCES booking.services ON DELETE CASCADE,
    resource_id uuid NOT NULL REFERENCES booking.resources ON DELETE CASCADE,
    PRIMARY KEY (service_id, resource_id)
);
CREATE INDEX service_resources_resource_idx ON booking.service_resources (resource_id);

CREATE TABLE booking.bookings (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    reference             text NOT NULL,
    service_id            uuid NOT NULL REFERENCES booking.services,
    resource_id           uuid NOT NULL REFERENCES booking.resources,
    user_id               uuid REFERENCES booking.users ON DELETE SET NULL,
    status                booking.booking_status NOT NULL,
    starts_at             timestamptz NOT NULL,
    ends_at               timestamptz NOT NULL,
    buffer_before_minutes integer NOT NULL DEFAULT 0,
    buffer_after_minutes  integer NOT NULL DEFAULT 0,
    -- [starts_at - buffer_before, ends_at + buffer_after): kept by trigger tg_bookings__derive.
    blocked               tstzrange NOT NULL,
    seats                 int4multirange NOT NULL DEFAULT '{[1,2)}',
    seat_count            integer GENERATED ALWAYS AS (booking.multirange_size(seats)) STORED,
    hold_expires_at       timestamptz,
    attendee_name         text,
    attendee_email        text,
    attendee_phone        text,
    notes                 text,
    metadata              jsonb NOT NULL DEFAULT '{}',
    price                 numeric(10, 2) NOT NULL DEFAULT 0,
    currency              char(3) NOT NULL DEFAULT 'EUR',
    idempotency_owner     text,
    idempotency_key       text,
    request_hash          text,
    manage_token_hash     text,
    version               integer NOT NULL DEFAULT 1,
    status_reason         text,
    created_by            uuid,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT bookings_reference_key UNIQUE (reference),
    CONSTRAINT bookings_range_check CHECK (ends_at > starts_at),
    CONSTRAINT bookings_grid_check CHECK (booking.on_grid(starts_at) AND booking.on_grid(ends_at)),
    CONSTRAINT bookings_max_length_check CHECK (ends_at - starts_at <= interval '8 hours'),
    CONSTRAINT bookings_buffers_check CHECK (
        buffer_before_minutes >= 0 AND buffer_before_minutes % 15 = 0
        AND buffer_after_minutes >= 0 AND buffer_after_minutes % 15 = 0),
    CONSTRAINT bookings_blocked_check CHECK (lower(blocked) <= starts_at AND upper(blocked) >= ends_at),
    CONSTRAINT bookings_seats_check CHECK (NOT isempty(seats) AND lower(seats) >= 1 AND NOT upper_inf(seats)),
    CONSTRAINT bookings_hold_check CHECK (status <> 'held' OR hold_expires_at IS NOT NULL),
    CONSTRAINT bookings_metadata_check CHECK (jsonb_typeof(metadata) = 'object'),
    CONSTRAINT bookings_idempotency_check CHECK (idempotency_key IS NULL OR idempotency_owner IS NOT NULL),
    -- I1: the guard. No two blocking bookings share a seat of one resource at one instant.
    CONSTRAINT bookings_no_overlap_excl EXCLUDE USING gist
        (resource_id WITH =, seats WITH &&, blocked WITH &&)
        WHERE (status IN ('held', 'pending', 'confirmed'))
);
-- I5: one booking per (user or guest email, idempotency key).
CREATE UNIQUE INDEX bookings_idempotency_key ON booking.bookings (idempotency_owner, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX bookings_resource_blocked_idx ON booking.bookings USING gist (resource_id, blocked)
    WHERE status IN ('held', 'pending', 'confirmed');
CREATE INDEX bookings_user_idx ON booking.bookings (user_id, starts_at);
CREATE INDEX bookings_service_idx ON booking.bookings (service_id, starts_at);
CREATE INDEX bookings_held_idx ON booking.bookings (hold_expires_at) WHERE status = 'held';

-- Seat allocation cursor for multi-seat resources: next seat to hand out for one
-- (resource, time range). Updated under its row lock; the exclusion constraint stays the guard.
CREATE TABLE booking.seat_cursors (
    resource_id uuid NOT NULL REFERENCES booking.resources ON DELETE CASCADE,
    during      tstzrange NOT NULL,
    next_seat   integer NOT NULL DEFAULT 1,
    PRIMARY KEY (resource_id, during)
);

-- Audit trail; its id is the change sequence (seq) of the live feed.
CREATE TABLE booking.booking_audit (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    booking_id  uuid NOT NULL,
    service_id  uuid NOT NULL,
    resource_id uuid NOT NULL,
    action      text NOT NULL,
    status      booking.booking_status NOT NULL,
    starts_at   timestamptz NOT NULL,
    ends_at     timestamptz NOT NULL,
    old_starts_at timestamptz,
    old_ends_at   timestamptz,
    actor       uuid,
    db_user     text NOT NULL DEFAULT current_user,
    old_row     jsonb,
    new_row     jsonb NOT NULL,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX booking_audit_booking_idx ON booking.booking_audit (booking_id, id);
CREATE INDEX booking_audit_service_idx ON booking.booking_audit (service_id, id);

-- Email outbox, written by trigger in the booking's transaction; drained by the worker.
CREATE TABLE booking.notification_log (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    booking_id      uuid NOT NULL REFERENCES booking.bookings ON DELETE CASCADE,
    audit_id        bigint,
    kind            text NOT NULL,
    recipient       text NOT NULL,
    status          booking.notification_status NOT NULL DEFAULT 'pending',
    payload         jsonb NOT NULL,
    attempts        integer NOT NULL DEFAULT 0,
    max_attempts    integer NOT NULL DEFAULT 8,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    locked_at       timestamptz,
    locked_by       text,
    last_error      text,
    message_id      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    CONSTRAINT notification_log_kind_check CHECK (kind IN (
        'customer_confirmed', 'customer_pending', 'customer_approved', 'customer_declined',
        'customer_rescheduled', 'customer_cancelled', 'provider_new', 'provider_cancelled')),
    CONSTRAINT notification_log_message_id_key UNIQUE (message_id)
);
CREATE INDEX notification_log_due_idx ON booking.notification_log (next_attempt_at)
    WHERE status IN ('pending', 'sending');
CREATE INDEX notification_log_booking_idx ON booking.notification_log (booking_id);
