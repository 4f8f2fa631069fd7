-- Every GRANT in one place; re-applied by `booker migrate` after the functions and views.
-- Functions are not executable by PUBLIC (ALTER DEFAULT PRIVILEGES in 0001 and below).

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA api, internal FROM PUBLIC;
REVOKE ALL ON SCHEMA api, internal, report FROM PUBLIC;

-- booker_app: the edge and the worker.
GRANT USAGE ON SCHEMA api TO booker_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA api TO booker_app;
-- Nothing on the private schema: every read and write of the edge and the worker is an
-- api.* function (SECURITY DEFINER) or an api view. The REVOKE also takes back what an
-- earlier version granted on an existing database.
REVOKE ALL ON ALL TABLES IN SCHEMA booking FROM booker_app;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA booking FROM booker_app;
REVOKE ALL ON SCHEMA booking FROM booker_app;
GRANT SELECT ON ALL TABLES IN SCHEMA api TO booker_app;
GRANT USAGE ON SCHEMA report TO booker_app;
GRANT SELECT ON ALL TABLES IN SCHEMA report TO booker_app;

-- booker_report: the reporting views and nothing else.
GRANT USAGE ON SCHEMA report TO booker_report;
GRANT SELECT ON ALL TABLES IN SCHEMA report TO booker_report;
-- report.daily_utilization reads wall-clock windows as slot generation does; a function a
-- view calls is executed with the privileges of the view's reader.
GRANT EXECUTE ON FUNCTION internal.open_minutes(date, time, time, text) TO booker_app, booker_report;
