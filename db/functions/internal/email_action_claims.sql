-- Read and verify an email action token (internal.email_action_token). RB403 when it is not
-- one of ours: malformed, cut short, or its signature does not match (altered, or signed
-- under a secret since rotated). The signatures are compared through their SHA-256 so the
-- comparison's timing tells nothing about the expected one. Expiry and use are the
-- callers' business, so that they can explain them.
CREATE FUNCTION internal.email_action_claims(p_token text)
    RETURNS TABLE (booking_id uuid, action text, expires_at timestamptz, token_hash text)
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v_parts text[] := regexp_match(coalesce(left(p_token, 300), ''),
        '^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(confirm|decline)\.([0-9]{1,12})\.([A-Za-z0-9_-]{43})$');
BEGIN
    IF v_parts IS NULL OR length(p_token) > 300
       OR sha256(convert_to(internal.email_action_signature(v_parts[1]::uuid, v_parts[2], v_parts[3]::bigint), 'UTF8'))
          IS DISTINCT FROM sha256(convert_to(v_parts[4], 'UTF8')) THEN
        RAISE EXCEPTION USING ERRCODE = 'RB403',
            MESSAGE = 'this link is not valid: it may have been cut short or changed. '
                      'Sign in and open your provider workspace to answer the request';
    END IF;
    RETURN QUERY SELECT v_parts[1]::uuid, v_parts[2], to_timestamp(v_parts[3]::bigint),
                        encode(sha256(convert_to(p_token, 'UTF8')), 'hex');
END
$$;
