-- Admins: how long a waitlist offer of this service stays open (5 minutes to 7 days; 30 by
-- default). Applies to offers made from now on. Returns the minutes.
CREATE FUNCTION api.set_waitlist_offer_minutes(p_actor uuid, p_service uuid, p_minutes integer) RETURNS integer
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
BEGIN
    PERFORM internal.require_admin(p_actor);
    PERFORM internal.set_actor(p_actor);
    IF p_minutes IS NULL OR p_minutes NOT BETWEEN 5 AND 10080 THEN
        PERFORM internal.fail_invalid('waitlist_offer_minutes', 'must be between 5 and 10080 (7 days)');
    END IF;
    UPDATE booking.services SET waitlist_offer_minutes = p_minutes, updated_at = now() WHERE id = p_service;
    IF NOT FOUND THEN
        PERFORM internal.fail_not_found('service');
    END IF;
    RETURN p_minutes;
END
$$;
