-- BEFORE INSERT on booking.api_tokens and booking.refresh_tokens: a disabled account gets
-- no new token of either kind (RB401), whoever writes the row.
CREATE FUNCTION internal.tg_tokens__account_enabled() RETURNS trigger
    LANGUAGE plpgsql VOLATILE
    AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM booking.users WHERE id = NEW.user_id AND disabled_at IS NULL) THEN
        RAISE EXCEPTION USING ERRCODE = 'RB401', MESSAGE = 'this account is disabled';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER api_tokens_account_enabled
    BEFORE INSERT ON booking.api_tokens
    FOR EACH ROW EXECUTE FUNCTION internal.tg_tokens__account_enabled();

CREATE TRIGGER refresh_tokens_account_enabled
    BEFORE INSERT ON booking.refresh_tokens
    FOR EACH ROW EXECUTE FUNCTION internal.tg_tokens__account_enabled();
