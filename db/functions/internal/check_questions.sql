-- The booking questions of a service as stored (services.questions), checked and tidied:
-- an array of at most 20 {id, label, type, required, options}; id is 1-40 of [a-z0-9_-]
-- and unique (made from the position when absent), label 1-200 characters, type one of
-- short_text, long_text, phone, choice, checkbox; a choice has 1-20 distinct options of
-- 1-100 characters. RB422 naming questions[i].<key>.
CREATE FUNCTION internal.check_questions(p_questions jsonb) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v_q jsonb;
    v_i integer;
    v_out jsonb := '[]';
    v_id text;
    v_label text;
    v_type text;
    v_options jsonb;
    v_field text;
BEGIN
    IF p_questions IS NULL OR jsonb_typeof(p_questions) = 'null' THEN
        RETURN '[]';
    END IF;
    IF jsonb_typeof(p_questions) <> 'array' THEN
        PERFORM internal.fail_invalid('questions', 'must be an array of questions');
    END IF;
    IF jsonb_array_length(p_questions) > 20 THEN
        PERFORM internal.fail_invalid('questions', 'at most 20 questions');
    END IF;
    FOR v_q, v_i IN SELECT value, ordinality - 1 FROM jsonb_array_elements(p_questions) WITH ORDINALITY LOOP
        v_field := format('questions[%s]', v_i);
        IF jsonb_typeof(v_q) <> 'object' THEN
            PERFORM internal.fail_invalid(v_field, 'must be an object with label and type');
        END IF;
        v_id := coalesce(nullif(trim(v_q ->> 'id'), ''), 'q' || (v_i + 1));
        IF v_id !~ '^[a-z0-9_-]{1,40}$' THEN
            PERFORM internal.fail_invalid(v_field || '.id', 'must be 1 to 40 of a-z, 0-9, _ and -');
        END IF;
        IF v_out @> jsonb_build_array(jsonb_build_object('id', v_id)) THEN
            PERFORM internal.fail_invalid(v_field || '.id', 'is used by another question');
        END IF;
        v_label := trim(v_q ->> 'label');
        IF jsonb_typeof(v_q -> 'label') IS DISTINCT FROM 'string' OR v_label = '' THEN
            PERFORM internal.fail_invalid(v_field || '.label', 'is required');
        ELSIF length(v_label) > 200 THEN
            PERFORM internal.fail_invalid(v_field || '.label', 'is longer than 200 characters');
        END IF;
        v_type := v_q ->> 'type';
        IF v_type IS NULL OR v_type NOT IN ('short_text', 'long_text', 'phone', 'choice', 'checkbox') THEN
            PERFORM internal.fail_invalid(v_field || '.type',
                                          'must be one of short_text, long_text, phone, choice, checkbox');
        END IF;
        IF v_q ? 'required' AND jsonb_typeof(v_q -> 'required') NOT IN ('boolean', 'null') THEN
            PERFORM internal.fail_invalid(v_field || '.required', 'must be true or false');
        END IF;
        v_options := NULL;
        IF v_type = 'choice' THEN
            v_options := v_q -> 'options';
            IF jsonb_typeof(v_options) IS DISTINCT FROM 'array'
               OR jsonb_array_length(v_options) NOT BETWEEN 1 AND 20
               OR EXISTS (SELECT 1 FROM jsonb_array_elements(v_options) o
                           WHERE jsonb_typeof(o) <> 'string' OR length(trim(o #>> '{}')) NOT BETWEEN 1 AND 100)
               OR (SELECT count(DISTINCT trim(o #>> '{}')) FROM jsonb_array_elements(v_options) o)
                  <> jsonb_array_length(v_options) THEN
                PERFORM internal.fail_invalid(v_field || '.options',
                                              'must be 1 to 20 distinct choices of 1 to 100 characters');
            END IF;
            SELECT jsonb_agg(to_jsonb(trim(o #>> '{}'))) INTO v_options FROM jsonb_array_elements(v_options) o;
        END IF;
        v_out := v_out || jsonb_build_array(jsonb_strip_nulls(jsonb_build_object(
            'id', v_id, 'label', v_label, 'type', v_type,
            'required', coalesce((v_q ->> 'required')::boolean, false), 'options', v_options)));
    END LOOP;
    RETURN v_out;
END
$$;
