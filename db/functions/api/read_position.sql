-- Where this server's data stands, for the edge's replica-lag guard (docs/scaling.md):
-- the change sequence it has (api.current_seq on a standby reads replayed data), whether it
-- is a standby, and how far behind its primary it is in seconds (0 on a primary, and on a
-- standby that streams and has replayed all it received; otherwise, and when it is not
-- streaming, the age of the last replayed transaction; NULL for a standby that has replayed
-- nothing yet, which counts as behind).
CREATE FUNCTION api.read_position(OUT seq bigint, OUT standby boolean, OUT lag_seconds double precision)
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
    SELECT (SELECT coalesce(max(id), 0) FROM booking.booking_audit),
           pg_is_in_recovery(),
           CASE WHEN NOT pg_is_in_recovery() THEN 0
                WHEN EXISTS (SELECT FROM pg_stat_wal_receiver)
                 AND pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0
                ELSE extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp())::double precision
           END
$$;
