-- Remember who acts in this transaction; the audit trigger records it.
-- plpgsql: a volatile SQL function is planned anew on every call.
CREATE FUNCTION internal.set_actor(p_actor uuid) RETURNS void
    LANGUAGE plpgsql VOLATILE
    AS $$
BEGIN
    PERFORM set_config('booker.actor', coalesce(p_actor::text, ''), true);
END
$$;
