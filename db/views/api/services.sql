-- Which services exist and whether they are active, by id and slug: what the live feed
-- (edge/live.py, edge/relay) needs to name a change's service and to skip retired ones.
-- No prices, windows or descriptions: those are in api.service_detail / api.admin_service.
CREATE VIEW api.services AS
SELECT s.id, s.slug, s.active
  FROM booking.services s;
