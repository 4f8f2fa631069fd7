-- booking.is_email_address is checked twice per booking (book_slot names the field, then
-- the domain booking.email_address checks the stored value). Declared STRICT, with a body
-- that is not strict (AND), PostgreSQL could never inline it: every call ran as a separate
-- SQL function, parsed and planned anew in each statement (about 20 µs a call, issue 10).
-- Without STRICT it is inlined into the domain's CHECK and into its callers. Same rule,
-- same result: a NULL address still gives NULL (each operand is NULL, so the AND is too).
CREATE OR REPLACE FUNCTION booking.is_email_address(p_address text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT length(p_address) <= 254
       AND length(split_part(p_address, '@', 1)) <= 64
       AND p_address ~ ('^[A-Za-z0-9!#$%&''*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&''*+/=?^_`{|}~-]+)*'
                        '@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$')
$$;
