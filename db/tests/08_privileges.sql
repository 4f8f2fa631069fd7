-- Roles: booker_report reads report.* and nothing else; booker_app executes api.* but
-- does not write bookings directly; PUBLIC executes nothing in api or internal.
-- Statements run under SET LOCAL ROLE through pg_temp.violation (results kept with \gset),
-- and the assertions run after RESET ROLE (pgTAP itself is not granted to those roles).
BEGIN;
SELECT plan(41);
\ir fixtures.psql

SELECT api.book_slot('consult', '2038-06-21 08:00Z', '{"name": "A", "email": "a@example.com"}') IS NOT NULL AS booked \gset
GRANT EXECUTE ON FUNCTION pg_temp.violation(text) TO booker_report, booker_app;

-- PUBLIC ------------------------------------------------------------------------------------------
SELECT is((SELECT array_agg(n.nspname || '.' || p.proname ORDER BY 1)
             FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname IN ('api', 'internal', 'booking') AND has_function_privilege('public', p.oid, 'EXECUTE')),
          NULL, 'PUBLIC executes no function in api, internal or booking');
SELECT ok((SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'api') >= 13,
          'the api schema has its functions (so the check above means something)');
SELECT ok(NOT has_schema_privilege('public', 'api', 'USAGE'), 'PUBLIC has no usage on schema api');
SELECT ok(NOT has_schema_privilege('public', 'internal', 'USAGE'), 'PUBLIC has no usage on schema internal');
SELECT ok(NOT has_schema_privilege('public', 'booking', 'USAGE'), 'PUBLIC has no usage on schema booking');
SELECT ok(NOT has_schema_privilege('public', 'report', 'USAGE'), 'PUBLIC has no usage on schema report');

-- booker_app --------------------------------------------------------------------------------------
SELECT is((SELECT array_agg(p.proname::text ORDER BY 1) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'api' AND NOT has_function_privilege('booker_app', p.oid, 'EXECUTE')),
          NULL, 'booker_app executes every api function');
SELECT is((SELECT array_agg(p.proname::text ORDER BY 1) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'api' AND NOT p.prosecdef),
          NULL, 'every api function is SECURITY DEFINER');
SELECT is((SELECT array_agg(p.proname::text ORDER BY 1) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'api' AND p.prosecdef
              AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%')),
          NULL, 'every SECURITY DEFINER api function pins its search_path');
SELECT ok(NOT has_schema_privilege('booker_app', 'internal', 'USAGE'), 'booker_app has no usage on schema internal');
SELECT ok(NOT has_table_privilege('booker_app', 'booking.bookings', 'INSERT, UPDATE, DELETE, TRUNCATE'),
          'booker_app cannot write bookings directly');
SELECT ok(NOT has_table_privilege('booker_app', 'booking.booking_audit', 'INSERT, UPDATE, DELETE, TRUNCATE'),
          'booker_app cannot write the audit trail');
SELECT ok(NOT has_table_privilege('booker_app', 'booking.notification_log', 'SELECT, INSERT, UPDATE, DELETE'),
          'booker_app neither reads nor writes the outbox table (the worker calls api.claim_notifications …)');

SET LOCAL ROLE booker_app;
SELECT pg_temp.violation($$SELECT api.book_slot('consult', '2038-06-21 10:00Z', '{"name": "B", "email": "b@example.com"}')$$) AS app_book,
       pg_temp.violation($$SELECT count(*) FROM api.available_slots('consult', '2038-06-21 00:00Z', '2038-06-22 00:00Z')$$) AS app_slots,
       pg_temp.violation($$SELECT api.expire_holds()$$) AS app_expire,
       pg_temp.violation($$SELECT count(*) FROM report.bookings$$) AS app_report,
       pg_temp.violation($$SELECT count(*) FROM booking.bookings$$) AS app_select,
       pg_temp.violation($$INSERT INTO booking.bookings (service_id, resource_id, status, starts_at, ends_at)
                           VALUES ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000b1', 'confirmed',
                                   '2038-06-21 12:00Z', '2038-06-21 13:00Z')$$) AS app_insert,
       pg_temp.violation($$UPDATE booking.bookings SET status = 'cancelled'$$) AS app_update,
       pg_temp.violation($$SELECT internal.is_admin(NULL)$$) AS app_internal,
       pg_temp.violation($$SELECT api.create_resource('00000000-0000-0000-0000-0000000000a1',
                           '{"slug": "new-room", "name": "New", "capacity": 3, "timezone": "Asia/Tokyo"}')$$) AS app_resource,
       pg_temp.violation($$SELECT api.replace_availability_rules('00000000-0000-0000-0000-0000000000a1',
                           api.resource_id('new-room'), '[{"weekday": 1, "start": "09:00", "end": "17:00"}]')$$) AS app_rule,
       pg_temp.violation($$SELECT api.create_service('00000000-0000-0000-0000-0000000000a1',
                           '{"slug": "new-event", "name": "New", "duration_minutes": 60, "starts_at": "2038-01-04 10:00Z"}')$$) AS app_service,
       pg_temp.violation($$INSERT INTO booking.resources (slug, name, timezone) VALUES ('direct', 'Direct', 'UTC')$$) AS app_direct,
       pg_temp.violation($$SELECT count(*) FROM api.services WHERE active$$) AS app_services_view,
       pg_temp.violation($$SELECT api.create_resource('00000000-0000-0000-0000-0000000000a1',
                           '{"slug": "bad-zone", "name": "Bad", "timezone": "Mars/Olympus"}')$$) AS app_bad_zone \gset
RESET ROLE;
SELECT is(:'app_book'::text, 'no error', 'booker_app books through api.book_slot');
SELECT is(:'app_slots'::text, 'no error', 'booker_app reads api.available_slots');
SELECT is(:'app_expire'::text, 'no error', 'booker_app runs api.expire_holds');
SELECT is(:'app_report'::text, 'no error', 'booker_app reads report views');
SELECT is(:'app_select'::text, '42501', 'booker_app cannot read the bookings table (api.get_booking, report.* instead)');
SELECT is(:'app_insert'::text, '42501', 'booker_app cannot INSERT a booking directly');
SELECT is(:'app_update'::text, '42501', 'booker_app cannot UPDATE a booking directly');
SELECT is(:'app_internal'::text, '42501', 'booker_app cannot call internal functions');
SELECT is(:'app_resource'::text, 'no error', 'booker_app (the admin catalogue) creates a resource through api.create_resource');
SELECT is(:'app_rule'::text, 'no error', 'booker_app creates opening hours through api.replace_availability_rules');
SELECT is(:'app_service'::text, 'no error', 'booker_app creates a service with a fixed window through api.create_service');
SELECT is(:'app_direct'::text, '42501', 'booker_app cannot write the catalogue tables directly');
SELECT is(:'app_services_view'::text, 'no error', 'booker_app reads the view api.services (the live feed)');
SELECT is((SELECT array_agg(c.oid::regclass::text || ' ' || p ORDER BY 1)
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
                  unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) p
            WHERE n.nspname NOT IN ('api', 'report', 'public', 'pg_catalog', 'information_schema')
              AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
              AND c.relkind IN ('r', 'v', 'm', 'p', 'f') AND has_table_privilege('booker_app', c.oid, p)),
          NULL,
          'booker_app holds no privilege on any table or view of a private schema (api.* only)');
SELECT ok(NOT has_schema_privilege('booker_app', 'booking', 'USAGE'), 'booker_app has no usage on schema booking');
SELECT is(:'app_bad_zone'::text, '23514 resources_timezone_check', 'booker_app cannot set an unknown time zone');

-- booker_report -----------------------------------------------------------------------------------
SELECT is((SELECT array_agg(p.proname::text ORDER BY 1) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname IN ('api', 'internal') AND has_function_privilege('booker_report', p.oid, 'EXECUTE')),
          ARRAY['open_minutes'],
          'booker_report executes no api or internal function but internal.open_minutes (report.daily_utilization reads opening hours with it)');
SELECT ok(NOT has_schema_privilege('booker_report', 'booking', 'USAGE')
          AND NOT has_schema_privilege('booker_report', 'api', 'USAGE'), 'booker_report has no usage on booking or api');
SELECT is((SELECT array_agg(c.relname::text ORDER BY 1) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'report' AND c.relkind IN ('v', 'm') AND NOT has_table_privilege('booker_report', c.oid, 'SELECT')),
          NULL, 'booker_report may select every report view');
SELECT is((SELECT array_agg(c.relname::text ORDER BY 1) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'report' AND c.relkind IN ('v', 'm')
              AND has_table_privilege('booker_report', c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE')),
          NULL, 'booker_report may not write through any report view');

SET LOCAL ROLE booker_report;
SELECT pg_temp.violation($$SELECT count(*) FROM report.bookings$$) AS rep_bookings,
       pg_temp.violation($$SELECT count(*) FROM report.daily_utilization$$) AS rep_util,
       pg_temp.violation($$SELECT count(*) FROM report.service_sales$$) AS rep_sales,
       pg_temp.violation($$SELECT count(*) FROM report.notification_health$$) AS rep_health,
       pg_temp.violation($$SELECT count(*) FROM booking.bookings$$) AS rep_tables,
       pg_temp.violation($$SELECT count(*) FROM booking.users$$) AS rep_users,
       pg_temp.violation($$SELECT api.current_seq()$$) AS rep_api,
       pg_temp.violation($$SELECT count(*) FROM api.available_slots('consult', '2038-06-21 00:00Z', '2038-06-22 00:00Z')$$) AS rep_slots \gset
RESET ROLE;
SELECT is(:'rep_bookings'::text, 'no error', 'booker_report selects report.bookings');
SELECT is(:'rep_util'::text, 'no error', 'booker_report selects report.daily_utilization');
SELECT is(:'rep_sales'::text, 'no error', 'booker_report selects report.service_sales');
SELECT is(:'rep_health'::text, 'no error', 'booker_report selects report.notification_health');
SELECT is(:'rep_tables'::text, '42501', 'booker_report cannot select booking.bookings');
SELECT is(:'rep_users'::text, '42501', 'booker_report cannot select booking.users');
SELECT is(:'rep_api'::text, '42501', 'booker_report cannot execute api.current_seq');
SELECT is(:'rep_slots'::text, '42501', 'booker_report cannot execute api.available_slots');

SELECT * FROM finish();
ROLLBACK;
