-- A resource's weekly rules, ordered by weekday and start; times as HH:MM (24:00 kept).
CREATE FUNCTION internal.rules_json(p_resource uuid) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'id', ar.id, 'weekday', ar.weekday, 'start', to_char(ar.start_time, 'HH24:MI'),
               'end', CASE WHEN ar.end_time = '24:00' THEN '24:00' ELSE to_char(ar.end_time, 'HH24:MI') END,
               'valid_from', ar.valid_from, 'valid_until', ar.valid_until)
               ORDER BY ar.weekday, ar.start_time), '[]')
      FROM booking.availability_rules ar
     WHERE ar.resource_id = p_resource
$$;
