-- BEFORE UPDATE OF disabled_at on booking.users: disabling an account revokes every refresh
-- token and API token it has, in the same transaction, and stamps credentials_revoked_at so
-- access tokens issued before it stay refused (api.caller); re-enabling revives none of them.
CREATE FUNCTION internal.tg_users__revoke_tokens() RETURNS trigger
    LANGUAGE plpgsql VOLATILE
    AS $$
BEGIN
    UPDATE booking.refresh_tokens SET revoked_at = now() WHERE user_id = NEW.id AND revoked_at IS NULL;
    UPDATE booking.api_tokens SET revoked_at = now() WHERE user_id = NEW.id AND revoked_at IS NULL;
    NEW.credentials_revoked_at := clock_timestamp();
    RETURN NEW;
END
$$;

CREATE TRIGGER users_revoke_tokens
    BEFORE UPDATE OF disabled_at ON booking.users
    FOR EACH ROW WHEN (OLD.disabled_at IS NULL AND NEW.disabled_at IS NOT NULL)
    EXECUTE FUNCTION internal.tg_users__revoke_tokens();
