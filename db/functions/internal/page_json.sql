-- The one page shape of every paged list: {"data": [...], "meta": {total, page, limit, total_pages}}.
CREATE FUNCTION internal.page_json(p_data jsonb, p_total bigint, p_page integer, p_limit integer) RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT jsonb_build_object(
        'data', coalesce(p_data, '[]'),
        'meta', jsonb_build_object('total', p_total, 'page', p_page, 'limit', p_limit,
                                   'total_pages', (p_total + p_limit - 1) / p_limit))
$$;
