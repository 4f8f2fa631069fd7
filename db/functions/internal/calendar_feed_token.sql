-- The subscription token of one feed subject, created on first use: "cal_" and 64 hex
-- digits from gen_random_uuid (a strong random source). p_rotate replaces it, so the old
-- URL stops working at once.
CREATE FUNCTION internal.calendar_feed_token(p_kind text, p_subject uuid, p_rotate boolean DEFAULT false)
    RETURNS text
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_new text := 'cal_' || replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '');
    v_token text;
BEGIN
    IF p_rotate THEN
        DELETE FROM booking.calendar_feeds WHERE subject_kind = p_kind AND subject_id = p_subject;
    END IF;
    INSERT INTO booking.calendar_feeds (token, subject_kind, subject_id) VALUES (v_new, p_kind, p_subject)
    ON CONFLICT (subject_kind, subject_id) DO NOTHING;
    SELECT token INTO v_token FROM booking.calendar_feeds WHERE subject_kind = p_kind AND subject_id = p_subject;
    RETURN v_token;
END
$$;
