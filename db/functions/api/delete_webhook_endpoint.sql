-- Remove an endpoint and its delivery log (admins). Returns true; RB404 when unknown.
CREATE FUNCTION api.delete_webhook_endpoint(p_actor uuid, p_id uuid) RETURNS boolean
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
BEGIN
    PERFORM internal.require_admin(p_actor);
    DELETE FROM booking.webhook_endpoints WHERE id = p_id;
    IF NOT FOUND THEN
        PERFORM internal.fail_not_found('webhook endpoint');
    END IF;
    RETURN true;
END
$$;
