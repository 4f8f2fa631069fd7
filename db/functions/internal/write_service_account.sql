-- The booking-form settings of service p_id (issue 14), applied by internal.write_service:
-- questions (checked by internal.check_questions), reminder_offsets (minutes before the
-- start, at most 5, each 1 to 43200; [] for none) and requires_verified_email. Keys absent
-- from p_fields keep their value. Returns the service as it now is.
CREATE FUNCTION internal.write_service_account(p_id uuid, p_fields jsonb) RETURNS booking.services
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_offsets integer[];
BEGIN
    IF p_fields ? 'questions' THEN
        UPDATE booking.services SET questions = internal.check_questions(p_fields -> 'questions') WHERE id = p_id;
    END IF;
    IF p_fields ? 'reminder_offsets' THEN
        IF jsonb_typeof(p_fields -> 'reminder_offsets') IS DISTINCT FROM 'array'
           OR jsonb_array_length(p_fields -> 'reminder_offsets') > 5
           OR EXISTS (SELECT 1 FROM jsonb_array_elements(p_fields -> 'reminder_offsets') m
                       WHERE jsonb_typeof(m) <> 'number' OR m::text !~ '^\d+$'
                          OR m::text::numeric NOT BETWEEN 1 AND 43200) THEN
            PERFORM internal.fail_invalid('reminder_offsets',
                                          'must be at most 5 whole minutes before the start, each 1 to 43200');
        END IF;
        SELECT coalesce(array_agg(DISTINCT m::text::integer ORDER BY m::text::integer DESC), '{}') INTO v_offsets
          FROM jsonb_array_elements(p_fields -> 'reminder_offsets') m;
        UPDATE booking.services SET reminder_offsets = v_offsets WHERE id = p_id;
    END IF;
    IF p_fields ? 'requires_verified_email' THEN
        IF jsonb_typeof(p_fields -> 'requires_verified_email') IS DISTINCT FROM 'boolean' THEN
            PERFORM internal.fail_invalid('requires_verified_email', 'must be true or false');
        END IF;
        UPDATE booking.services SET requires_verified_email = (p_fields ->> 'requires_verified_email')::boolean
         WHERE id = p_id;
    END IF;
    RETURN (SELECT s FROM booking.services s WHERE s.id = p_id);
END
$$;
