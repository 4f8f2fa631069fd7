-- Every GRANT in one place; re-applied by `booker migrate` after the functions and views.
-- Functions are not executable by PUBLIC (ALTER DEFAULT PRIVILEGES in 0001 and below).

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA api, internal FROM PUBLIC;
REVOKE ALL ON SCHEMA api, internal, report FROM PUBLIC;

-- booker_app: the edge and the worker.
GRANT USAGE ON SCHEMA api TO booker_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA api TO booker_app;
GRANT USAGE ON SCHEMA booking TO booker_app;
-- what the edge needs beyond api.*: accounts and tokens, the admin catalogue, the outbox.
GRANT SELECT, INSERT, UPDATE, DELETE ON booking.users, booking.api_tokens, booking.refresh_tokens TO booker_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON booking.resources, booking.availability_rules, booking.closures,
    booking.services, booking.service_resources TO booker_app;
GRANT SELECT ON booking.bookings, booking.booking_audit TO booker_app;
-- the helpers the CHECK constraints and generated columns of those tables call, and the
-- zone cache of booking.is_valid_timezone (migration 0002): without them booker_app's
-- INSERT of a resource or of a service with a fixed window fails with 42501.
GRANT EXECUTE ON FUNCTION booking.is_valid_timezone(text), booking.on_grid(timestamptz),
    booking.multirange_size(int4multirange) TO booker_app;
GRANT SELECT ON booking.time_zones, booking.time_zone_aliases TO booker_app;
GRANT SELECT, UPDATE ON booking.notification_log TO booker_app;
-- the edge's login rate limiter (migration 0010).
GRANT SELECT, INSERT, UPDATE, DELETE ON booking.login_attempts TO booker_app;
GRANT USAGE ON SCHEMA report TO booker_app;
GRANT SELECT ON ALL TABLES IN SCHEMA report TO booker_app;

-- booker_report: the reporting views and nothing else.
GRANT USAGE ON SCHEMA report TO booker_report;
GRANT SELECT ON ALL TABLES IN SCHEMA report TO booker_report;
-- report.daily_utilization reads wall-clock windows as slot generation does; a function a
-- view calls is executed with the privileges of the view's reader.
GRANT EXECUTE ON FUNCTION internal.open_minutes(date, time, time, text) TO booker_app, booker_report;
