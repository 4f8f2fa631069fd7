-- A booking's answers to its service's questions (metadata.answers, written by
-- internal.booking_answers) as one line of text: "Label: answer; Label: yes", for the CSV
-- export and the report view. NULL when there are none.
CREATE FUNCTION internal.answers_text(p_metadata jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT nullif(string_agg(
               (a ->> 'label') || ': ' || CASE jsonb_typeof(a -> 'answer')
                   WHEN 'boolean' THEN CASE WHEN (a ->> 'answer')::boolean THEN 'yes' ELSE 'no' END
                   ELSE regexp_replace(a ->> 'answer', '\s+', ' ', 'g') END,
               '; ' ORDER BY i), '')
      FROM jsonb_array_elements(CASE WHEN jsonb_typeof(p_metadata -> 'answers') = 'array'
                                     THEN p_metadata -> 'answers' ELSE '[]' END) WITH ORDINALITY AS t(a, i)
$$;
