-- The answers a booking gives to its service's questions (services.questions), checked:
-- p_answers is an object {question id: answer}; returns p_metadata with key "answers" set
-- to [{id, label, answer}] in the questions' order (a client's own "answers" key is
-- replaced). RB422 naming answers.<id> for a missing required answer, a wrong type, a text
-- too long (short 200, long 2000 characters), a phone number that is not one, a choice
-- not offered, or an answer to no question of the service.
CREATE FUNCTION internal.booking_answers(p_service booking.services, p_answers jsonb, p_metadata jsonb)
    RETURNS jsonb
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v_q jsonb;
    v_id text;
    v_a jsonb;
    v_text text;
    v_out jsonb := '[]';
    v_field text;
    v_max integer;
BEGIN
    p_metadata := coalesce(p_metadata, '{}') - 'answers';
    IF p_answers IS NULL OR jsonb_typeof(p_answers) = 'null' THEN
        p_answers := '{}';
    ELSIF jsonb_typeof(p_answers) <> 'object' THEN
        PERFORM internal.fail_invalid('answers', 'must be an object of question id to answer');
    END IF;
    SELECT min(key) INTO v_id FROM jsonb_object_keys(p_answers) AS key
     WHERE NOT p_service.questions @> jsonb_build_array(jsonb_build_object('id', key));
    IF v_id IS NOT NULL THEN
        PERFORM internal.fail_invalid('answers.' || left(v_id, 40), 'is not a question of this service');
    END IF;
    FOR v_q IN SELECT value FROM jsonb_array_elements(p_service.questions) LOOP
        v_id := v_q ->> 'id';
        v_field := 'answers.' || v_id;
        v_a := p_answers -> v_id;
        IF jsonb_typeof(v_a) = 'null' OR (jsonb_typeof(v_a) = 'string' AND trim(v_a #>> '{}') = '')
           OR (v_q ->> 'type' = 'checkbox' AND v_a = 'false') THEN
            v_a := NULL;
        END IF;
        IF v_a IS NULL THEN
            IF (v_q ->> 'required')::boolean THEN
                PERFORM internal.fail_invalid(v_field, format('is required ("%s")', v_q ->> 'label'));
            END IF;
            CONTINUE;
        END IF;
        IF v_q ->> 'type' = 'checkbox' THEN
            IF jsonb_typeof(v_a) <> 'boolean' THEN
                PERFORM internal.fail_invalid(v_field, format('must be true or false ("%s")', v_q ->> 'label'));
            END IF;
        ELSE
            IF jsonb_typeof(v_a) <> 'string' THEN
                PERFORM internal.fail_invalid(v_field, format('must be text ("%s")', v_q ->> 'label'));
            END IF;
            v_text := trim(v_a #>> '{}');
            v_max := CASE WHEN v_q ->> 'type' = 'long_text' THEN 2000 WHEN v_q ->> 'type' = 'phone' THEN 40 ELSE 200 END;
            IF length(v_text) > v_max THEN
                PERFORM internal.fail_invalid(v_field, format('is too long ("%s")', v_q ->> 'label'));
            END IF;
            IF v_q ->> 'type' = 'phone' AND (v_text !~ '^\+?[0-9 ()./-]+$' OR length(regexp_replace(v_text, '\D', '', 'g')) NOT BETWEEN 3 AND 20) THEN
                PERFORM internal.fail_invalid(v_field, format('is not a phone number ("%s")', v_q ->> 'label'));
            END IF;
            IF v_q ->> 'type' = 'choice' AND NOT (v_q -> 'options') @> jsonb_build_array(v_text) THEN
                PERFORM internal.fail_invalid(v_field, format('is not one of the choices ("%s")', v_q ->> 'label'));
            END IF;
            IF v_q ->> 'type' <> 'long_text' AND v_text ~ '[\r\n]' THEN
                v_text := regexp_replace(v_text, '\s+', ' ', 'g');
            END IF;
            v_a := to_jsonb(v_text);
        END IF;
        v_out := v_out || jsonb_build_array(jsonb_build_object('id', v_id, 'label', v_q ->> 'label', 'answer', v_a));
    END LOOP;
    IF jsonb_array_length(v_out) > 0 THEN
        p_metadata := p_metadata || jsonb_build_object('answers', v_out);
    END IF;
    RETURN p_metadata;
END
$$;
