-- The constraint helpers of 0001 were slow where it matters (every booking):
-- on_grid used extract(epoch FROM timestamptz), which is only STABLE, so the IMMUTABLE
-- SQL function could never be inlined and ran as a separate SQL function on every call;
-- multirange_size, a SQL function with a FROM clause, was planned anew on every insert.
-- Same results, same signatures; date_bin is IMMUTABLE, and plpgsql caches its plan.

CREATE OR REPLACE FUNCTION booking.on_grid(p_at timestamptz) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT date_bin(interval '15 minutes', p_at, timestamptz '1970-01-01 00:00:00+00') = p_at $$;

CREATE OR REPLACE FUNCTION booking.multirange_size(p_seats int4multirange) RETURNS integer
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
BEGIN
    RETURN (SELECT coalesce(sum(upper(r) - lower(r)), 0)::integer FROM unnest(p_seats) AS r);
END
$$;
