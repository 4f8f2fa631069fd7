-- Remember who acts in this transaction; the audit trigger records it.
CREATE FUNCTION internal.set_actor(p_actor uuid) RETURNS void
    LANGUAGE sql VOLATILE
    AS $$ SELECT set_config('booker.actor', coalesce(p_actor::text, ''), true) $$;
