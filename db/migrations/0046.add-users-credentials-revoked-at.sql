-- When an account's credentials were last revoked (set when it is disabled): an access
-- token issued before that moment is refused even after the account is re-enabled, like the
-- refresh and API tokens the same trigger revokes (issue 9).
ALTER TABLE booking.users ADD COLUMN credentials_revoked_at timestamptz;
