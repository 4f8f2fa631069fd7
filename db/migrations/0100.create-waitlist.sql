-- Waitlists (issue 16). A person waits for a full slot (service, start) of a service; when
-- seats of it free up, the database offers them in order: the offer is a hold in that
-- person's name (a booking with status 'held', so the exclusion constraint guards it like any
-- booking) and an outbox row of kind 'waitlist_offer'. See docs/decisions.md, "Waitlist".
ALTER TABLE booking.services
    ADD COLUMN waitlist_offer_minutes integer NOT NULL DEFAULT 30,
    ADD CONSTRAINT services_waitlist_offer_minutes_check CHECK (waitlist_offer_minutes BETWEEN 5 AND 10080);

-- Order of the waitlist: position (a global sequence, so first come first served across
-- slots), which admins may change (api.move_waitlist_entry).
CREATE SEQUENCE booking.waitlist_position_seq AS bigint;

CREATE TABLE booking.waitlist_entries (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    service_id       uuid NOT NULL REFERENCES booking.services ON DELETE CASCADE,
    starts_at        timestamptz NOT NULL,
    seats            integer NOT NULL DEFAULT 1,
    user_id          uuid REFERENCES booking.users ON DELETE CASCADE,
    name             text NOT NULL,
    email            booking.email_address NOT NULL,
    position         bigint NOT NULL DEFAULT nextval('booking.waitlist_position_seq'),
    -- waiting -> offered -> booked | lapsed (offer unused) | declined (offer turned down);
    -- waiting -> left (left the list or removed by an admin) | ended (the slot can no longer be booked)
    status           text NOT NULL DEFAULT 'waiting',
    offer_id         uuid REFERENCES booking.bookings ON DELETE SET NULL,
    offered_at       timestamptz,
    offer_expires_at timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT waitlist_entries_status_check CHECK (status IN
        ('waiting', 'offered', 'booked', 'lapsed', 'declined', 'left', 'ended')),
    CONSTRAINT waitlist_entries_seats_check CHECK (seats BETWEEN 1 AND 1000),
    CONSTRAINT waitlist_entries_name_check CHECK (length(name) BETWEEN 1 AND 200),
    CONSTRAINT waitlist_entries_grid_check CHECK (booking.on_grid(starts_at)),
    CONSTRAINT waitlist_entries_offer_check CHECK (status <> 'offered' OR (offered_at IS NOT NULL AND offer_expires_at IS NOT NULL))
);
-- One live entry per person and slot (a second join returns the first).
CREATE UNIQUE INDEX waitlist_entries_person_key ON booking.waitlist_entries (service_id, starts_at, lower(email))
    WHERE status IN ('waiting', 'offered');
-- An offer (a hold) belongs to one entry.
CREATE UNIQUE INDEX waitlist_entries_offer_key ON booking.waitlist_entries (offer_id) WHERE offer_id IS NOT NULL;
-- Who waits near a freed range: entries of a service by start.
CREATE INDEX waitlist_entries_waiting_idx ON booking.waitlist_entries (service_id, starts_at, position)
    WHERE status = 'waiting';
CREATE INDEX waitlist_entries_user_idx ON booking.waitlist_entries (user_id) WHERE user_id IS NOT NULL;

-- The offer email.
ALTER TABLE booking.notification_log
    DROP CONSTRAINT notification_log_kind_check,
    ADD CONSTRAINT notification_log_kind_check CHECK (kind IN (
        'customer_confirmed', 'customer_pending', 'customer_approved', 'customer_declined',
        'customer_rescheduled', 'customer_cancelled', 'provider_new', 'provider_rescheduled',
        'provider_cancelled', 'customer_reminder', 'account_password_reset', 'account_verify_email',
        'waitlist_offer'));
