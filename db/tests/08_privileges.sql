-- Roles: booker_report reads report.* and nothing else; booker_app executes api.* but
-- does not write bookings directly; PUBLIC executes nothing in api or internal.
-- Statements run under SET LOCAL ROLE through pg_temp.violation (results kept with \gset),
-- and the assertions run after RESET ROLE (pgTAP itself is not granted to those roles).
BEGIN;
SELECT plan(37);
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
SELECT ok(has_table_privilege('booker_app', 'booking.notification_log', 'SELECT, UPDATE')
          AND NOT has_table_privilege('booker_app', 'booking.notification_log', 'INSERT, DELETE'),
          'booker_app reads and updates the outbox (the worker) but does not insert or delete');

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
       pg_temp.violation($$INSERT INTO booking.resources (id, slug, name, capacity, timezone)
                           VALUES ('00000000-0000-0000-0000-0000000000b7', 'new-room', 'New', 3, 'Asia/Tokyo')$$) AS app_resource,
       pg_temp.violation($$INSERT INTO booking.availability_rules (resource_id, weekday, start_time, end_time)
                           VALUES ('00000000-0000-0000-0000-0000000000b7', 1, '09:00', '17:00')$$) AS app_rule,
       pg_temp.violation($$INSERT INTO booking.services (id, slug, name, duration_minutes, slot_step_minutes, fixed_window)
                           VALUES ('00000000-0000-0000-0000-0000000000ce', 'new-event', 'New', 60, 60,
                                   '[2038-01-04 10:00Z, 2038-01-04 11:00Z)')$$) AS app_service,
       pg_temp.violation($$UPDATE booking.resources SET timezone = 'Mars/Olympus' WHERE slug = 'new-room'$$) AS app_bad_zone \gset
RESET ROLE;
SELECT is(:'app_book'::text, 'no error', 'booker_app books through api.book_slot');
SELECT is(:'app_slots'::text, 'no error', 'booker_app reads api.available_slots');
SELECT is(:'app_expire'::text, 'no error', 'booker_app runs api.expire_holds');
SELECT is(:'app_report'::text, 'no error', 'booker_app reads report views');
SELECT is(:'app_select'::text, 'no error', 'booker_app reads bookings');
SELECT is(:'app_insert'::text, '42501', 'booker_app cannot INSERT a booking directly');
SELECT is(:'app_update'::text, '42501', 'booker_app cannot UPDATE a booking directly');
SELECT is(:'app_internal'::text, '42501', 'booker_app cannot call internal functions');
SELECT is(:'app_resource'::text, 'no error', 'booker_app (the admin catalogue) creates a resource: its CHECKs may run');
SELECT is(:'app_rule'::text, 'no error', 'booker_app creates opening hours');
SELECT is(:'app_service'::text, 'no error', 'booker_app creates a service with a fixed window');
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
