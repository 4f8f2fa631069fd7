-- A human booking reference such as BK-7F3K9Q2M (no 0/O/1/I to misread).
CREATE FUNCTION internal.new_reference() RETURNS text
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    c_alphabet constant text := '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
    v_reference text := 'BK-';
BEGIN
    FOR i IN 1 .. 8 LOOP
        v_reference := v_reference || substr(c_alphabet, 1 + floor(random() * 32)::integer, 1);
    END LOOP;
    RETURN v_reference;
END
$$;
