-- A human booking reference such as BK-7F3K9Q2M (no 0/O/1/I to misread).
CREATE FUNCTION internal.new_reference() RETURNS text
    LANGUAGE sql VOLATILE
    AS $$
    SELECT 'BK-' || string_agg(substr('23456789ABCDEFGHJKLMNPQRSTUVWXYZ', 1 + floor(random() * 32)::int, 1), '')
    FROM generate_series(1, 8)
$$;
