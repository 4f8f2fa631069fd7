-- The keys of p_fields that are in p_allowed (a partial update names only what it changes;
-- a key present with null sets the column to NULL).
CREATE FUNCTION internal.picked(p_fields jsonb, p_allowed text[]) RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT coalesce(jsonb_object_agg(key, value), '{}')
      FROM jsonb_each(coalesce(p_fields, '{}')) WHERE key = ANY (p_allowed)
$$;
