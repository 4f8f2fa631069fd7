-- internal.own_resource, then the resource's row lock, for a change of its hours or closures.
CREATE FUNCTION internal.lock_own_resource(p_actor uuid, p_resource uuid) RETURNS booking.resources
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v booking.resources;
BEGIN
    PERFORM internal.own_resource(p_actor, p_resource);
    SELECT * INTO v FROM booking.resources WHERE id = p_resource FOR UPDATE;
    RETURN v;
END
$$;
