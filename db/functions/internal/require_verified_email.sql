-- RB403 naming the rule when service p_service requires a verified email
-- (services.requires_verified_email) and account p_user has not verified its address, or
-- there is no account (a guest's address is never verified).
CREATE FUNCTION internal.require_verified_email(p_service booking.services, p_user booking.users) RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    IF p_service.requires_verified_email AND (p_user.id IS NULL OR p_user.email_verified_at IS NULL) THEN
        RAISE EXCEPTION USING ERRCODE = 'RB403',
            MESSAGE = 'this service requires a verified email address (rule requires_verified_email): '
                      'open the link in the verification email, or ask for a new one on your profile page',
            DETAIL = jsonb_build_object('rule', 'requires_verified_email',
                                        'errors', jsonb_build_object('email', 'is not verified'))::text;
    END IF;
END
$$;
