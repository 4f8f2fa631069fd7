-- Every GRANT in one place; re-applied by `booker migrate` after the functions and views.
-- Functions are not executable by PUBLIC (ALTER DEFAULT PRIVILEGES in 0001 and below).

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA api, internal FROM PUBLIC;
REVOKE ALL ON SCHEMA api, internal, report FROM PUBLIC;

-- booker_app: the edge and the worker.
GRANT USAGE ON SCHEMA api TO booker_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA api TO booker_app;
GRANT USAGE ON SCHEMA booking TO booker_app;
-- what the edge needs beyond api.*: accounts and tokens, the outbox.
GRANT SELECT, INSERT, UPDATE, DELETE ON booking.users, booking.api_tokens, booking.refresh_tokens TO booker_app;
-- the admin catalogue is read and written through api.* only (create_resource,
-- replace_availability_rules, create_closure, create_service, resource_id, the view
-- api.services of edge/live.py and edge/relay …): no privilege on its tables.
REVOKE ALL ON booking.resources, booking.services, booking.service_resources, booking.availability_rules,
    booking.closures FROM booker_app;
GRANT SELECT ON ALL TABLES IN SCHEMA api TO booker_app;
GRANT SELECT ON booking.bookings, booking.booking_audit TO booker_app;
-- the helpers the CHECK constraints and generated columns of those tables call, and the
-- zone cache of booking.is_valid_timezone (migration 0002): without them booker_app's
-- INSERT of a resource or of a service with a fixed window fails with 42501.
GRANT EXECUTE ON FUNCTION booking.is_valid_timezone(text), booking.on_grid(timestamptz),
    booking.multirange_size(int4multirange) TO booker_app;
GRANT EXECUTE ON FUNCTION booking.is_email_address(text) TO booker_app;  -- domain booking.email_address
GRANT SELECT ON booking.time_zones TO booker_app;
GRANT SELECT, UPDATE ON booking.notification_log TO booker_app;
GRANT USAGE ON SCHEMA report TO booker_app;
GRANT SELECT ON ALL TABLES IN SCHEMA report TO booker_app;

-- booker_report: the reporting views and nothing else.
GRANT USAGE ON SCHEMA report TO booker_report;
GRANT SELECT ON ALL TABLES IN SCHEMA report TO booker_report;
