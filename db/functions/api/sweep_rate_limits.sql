-- Delete ended rate-limit windows and the client rows of finished holds; returns how many.
-- Optional: api.rate_limit already sweeps now and then.
CREATE FUNCTION api.sweep_rate_limits() RETURNS integer
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$ SELECT internal.sweep_rate_limits() $$;
