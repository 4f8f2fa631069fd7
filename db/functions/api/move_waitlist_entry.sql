-- Admins: move a waiting entry to place p_place (1 = next in line) among the entries waiting
-- for the same slot; the others keep their order. The slot's positions are handed out again
-- in the new order (the same set of numbers, so the order against other slots' entries
-- stays). Returns the entry as JSON. RB422 place when below 1; a place past the end means last.
CREATE FUNCTION api.move_waitlist_entry(p_actor uuid, p_entry uuid, p_place integer) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v booking.waitlist_entries;
    v_ids uuid[];
    v_positions bigint[];
BEGIN
    PERFORM internal.require_admin(p_actor);
    IF p_place IS NULL OR p_place < 1 THEN
        PERFORM internal.fail_invalid('place', 'must be at least 1');
    END IF;
    v := internal.lock_waitlist_entry(p_entry, p_actor);
    IF v.status <> 'waiting' THEN
        PERFORM internal.fail_invalid('place', format('only a waiting entry can be moved (this one is %s)', v.status));
    END IF;
    -- Lock the slot's waiting entries in line order (offers lock them in this order too).
    SELECT array_agg(id ORDER BY position, id), array_agg(position ORDER BY position, id)
      INTO v_ids, v_positions
      FROM (SELECT id, position FROM booking.waitlist_entries
             WHERE service_id = v.service_id AND starts_at = v.starts_at AND status = 'waiting'
             ORDER BY position, id FOR UPDATE) AS slot;
    v_ids := array_remove(v_ids, p_entry);
    p_place := least(p_place, cardinality(v_ids) + 1);
    v_ids := v_ids[1:p_place - 1] || p_entry || v_ids[p_place:];
    UPDATE booking.waitlist_entries w
       SET position = v_positions[o.n], updated_at = now()
      FROM unnest(v_ids) WITH ORDINALITY AS o(id, n)
     WHERE w.id = o.id AND w.position IS DISTINCT FROM v_positions[o.n];
    SELECT * INTO v FROM booking.waitlist_entries WHERE id = p_entry;
    RETURN internal.waitlist_entry_json(v);
END
$$;
