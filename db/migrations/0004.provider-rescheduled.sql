-- A new outbox kind: the provider is told when a booking of theirs is rescheduled
-- (internal.tg_bookings__outbox queues it beside customer_rescheduled).
ALTER TABLE booking.notification_log
    DROP CONSTRAINT notification_log_kind_check,
    ADD CONSTRAINT notification_log_kind_check CHECK (kind IN (
        'customer_confirmed', 'customer_pending', 'customer_approved', 'customer_declined',
        'customer_rescheduled', 'customer_cancelled', 'provider_new', 'provider_rescheduled',
        'provider_cancelled'));
