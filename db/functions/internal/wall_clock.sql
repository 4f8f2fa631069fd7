-- The real instant at which a wall-clock opening (p_closing false) or closing (p_closing
-- true) time p_local of zone p_zone falls: the one reading of a local time shared by slot
-- generation, book_slot / hold_slot / reschedule_booking and the reports.
--
--   * a local time that happens once: that instant;
--   * a local time that happens twice (the repeated hour of a fall-back day): the earlier
--     instant when opening, the later one when closing, so a window covering the repeat
--     is open through both passes (a 01:00-03:00 rule on a 25-hour night lasts 3 hours);
--   * a local time that never happens (the gap of a spring-forward day): the instant of
--     the jump, both when opening and when closing. That is the first real instant whose
--     wall clock is not earlier than p_local, so a window closing inside the gap never
--     runs past its closing time, and a later opening time never opens later.
--
-- Only explicit AT TIME ZONE conversions and offsets in whole seconds: the answer does
-- not depend on the session's TimeZone (docs/decisions.md).
-- A SQL expression the planner inlines into slot_candidates: on the days without a
-- transition (no change of offset in the 24 hours before) it is three AT TIME ZONE
-- conversions; the days with one go to internal.wall_clock_near_transition.
CREATE FUNCTION internal.wall_clock(p_local timestamp, p_zone text, p_closing boolean)
    RETURNS timestamptz
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
    SELECT CASE
               WHEN (p_local AT TIME ZONE p_zone) AT TIME ZONE p_zone = p_local
                AND (p_closing OR (p_local AT TIME ZONE p_zone - interval '24 hours') AT TIME ZONE p_zone
                                  = p_local - interval '24 hours')
               THEN p_local AT TIME ZONE p_zone
               ELSE internal.wall_clock_near_transition(p_local, p_zone, p_closing)
           END
$$;
