-- Offer the free seats of p_resource that overlap p_during to the waitlist, in order: each
-- offer is a hold in the waiting person's name (status 'held', expiring after the service's
-- waitlist_offer_minutes, never after the slot starts) and an outbox row of kind
-- 'waitlist_offer'. Called by the trigger bookings_waitlist in the transaction that frees
-- the seats (cancellation, decline, expiry, a move away), by resources_waitlist when a
-- capacity grows, and by the sweep (internal.waitlist_sweep). Returns how many offers it made.
--
-- Costs one index probe when nobody waits near p_during. Otherwise it takes the resource's
-- maintenance lock (the key of internal.lock_resources) if it is free at once or already held;
-- when busy it makes no offer (p_wait false, or in the periodic sweep: setting
-- booker.waitlist_nowait) or raises 40001 (a freeing call that did not lock it first: people
-- began to wait meanwhile; the edge retries, and the retry's prelock takes the lock),
-- so offers of a resource are made one transaction at a time and never wait for another
-- offer's or a move's uncommitted seats. Seats are free when no blocking booking of the
-- resource holds them, lapsed holds included (they are expired first, and then offered).
-- The entry is claimed under its row lock (FOR UPDATE SKIP LOCKED, still 'waiting'): two
-- transactions freeing seats on two resources at once never offer to the same person, and an
-- offer never waits for an entry another transaction holds (that one is offering it a seat,
-- or it is leaving or being moved: the next in line gets this seat); the hold itself is
-- inserted like any booking (INSERT … ON CONFLICT DO NOTHING), so the exclusion constraint
-- makes sure an offer is only ever made for a seat that is free.
CREATE FUNCTION internal.offer_seats(p_resource uuid, p_during tstzrange, p_wait boolean DEFAULT true)
    RETURNS integer
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_from timestamptz := coalesce(lower(p_during), '-infinity');
    v_to timestamptz := coalesce(upper(p_during), 'infinity');
    v_capacity integer;
    v_entry record;
    v_service booking.services;
    v_full text[] := '{}';          -- slots (service/start) found without a free seat
    v_slot text;
    v_free int4multirange;
    v_hold booking.bookings;
    v_made integer := 0;
BEGIN
    -- Bookings last at most 8 hours and buffers at most 8 hours each side: an entry whose
    -- slot overlaps p_during starts within (from - 16 h, to + 8 h).
    IF NOT EXISTS (
        SELECT 1 FROM booking.service_resources sr
          JOIN booking.waitlist_entries w ON w.service_id = sr.service_id
         WHERE sr.resource_id = p_resource AND w.status = 'waiting'
           AND w.starts_at > v_from - interval '16 hours' AND w.starts_at < v_to + interval '8 hours'
           AND w.starts_at > now()
    ) THEN
        RETURN 0;
    END IF;
    -- Never a wait while this transaction holds the freed rows: the callers that may wait took
    -- the lock before their row locks (internal.waitlist_prelock, moves, in-the-way expiries,
    -- the sweep), so here it is free or already ours.
    IF NOT pg_try_advisory_xact_lock(1010, hashtext(p_resource::text)) THEN
        IF p_wait AND current_setting('booker.waitlist_nowait', true) IS DISTINCT FROM 'on' THEN
            -- People began to wait after this call's prelock looked: retry, the prelock will lock.
            RAISE EXCEPTION USING ERRCODE = 'serialization_failure',
                MESSAGE = 'the waitlist of this time changed meanwhile; try again';
        END IF;
        RETURN 0;  -- busy: the sweep (internal.waitlist_reoffer) looks again
    END IF;
    SELECT capacity INTO v_capacity FROM booking.resources WHERE id = p_resource AND active;
    IF v_capacity IS NULL THEN
        RETURN 0;
    END IF;

    FOR v_entry IN
        SELECT w.id, w.service_id, w.starts_at, w.seats, w.user_id, w.name, w.email
          FROM booking.service_resources sr
          JOIN booking.services s ON s.id = sr.service_id AND s.active
          JOIN booking.waitlist_entries w ON w.service_id = s.id
         WHERE sr.resource_id = p_resource AND w.status = 'waiting'
           AND w.starts_at > v_from - interval '16 hours' AND w.starts_at < v_to + interval '8 hours'
           AND w.starts_at >= now() + make_interval(mins => s.min_notice_minutes)
           AND internal.waitlist_blocked(s, w.starts_at) && p_during
         ORDER BY w.position, w.id
    LOOP
        v_slot := v_entry.service_id::text || '/' || v_entry.starts_at::text;
        CONTINUE WHEN v_slot = ANY (v_full);
        SELECT * INTO v_service FROM booking.services WHERE id = v_entry.service_id;
        -- The resource must be open then (rules, closures, the event's window, max advance).
        IF NOT EXISTS (
            SELECT 1 FROM internal.slot_candidates(v_service, v_entry.starts_at,
                                                   v_entry.starts_at + interval '1 microsecond') c
             WHERE c.resource_id = p_resource AND c.starts_at = v_entry.starts_at
               AND c.state IN ('available', 'booked')  -- open then (its seats are offer_seats' business)
        ) THEN
            v_full := v_full || v_slot;
            CONTINUE;
        END IF;
        v_hold := NULL;
        v_hold.blocked := internal.waitlist_blocked(v_service, v_entry.starts_at);
        SELECT int4multirange(int4range(1, v_capacity + 1)) - coalesce(range_agg(b.seats), '{}')
          INTO v_free
          FROM booking.bookings b
         WHERE b.resource_id = p_resource AND b.status IN ('held', 'pending', 'confirmed')
           AND b.blocked && v_hold.blocked;
        IF booking.multirange_size(v_free) < v_entry.seats THEN
            IF isempty(v_free) THEN
                v_full := v_full || v_slot;
            END IF;
            CONTINUE;  -- an entry for more seats keeps its place; the next one may fit
        END IF;
        -- Claim the entry: another transaction freeing seats elsewhere may have offered it one.
        PERFORM 1 FROM booking.waitlist_entries WHERE id = v_entry.id AND status = 'waiting' FOR UPDATE SKIP LOCKED;
        CONTINUE WHEN NOT FOUND;

        v_hold.id := gen_random_uuid();
        v_hold.service_id := v_service.id;
        v_hold.resource_id := p_resource;
        v_hold.user_id := v_entry.user_id;
        v_hold.status := 'held';
        v_hold.starts_at := v_entry.starts_at;
        v_hold.ends_at := v_entry.starts_at + make_interval(mins => v_service.duration_minutes);
        v_hold.buffer_before_minutes := v_service.buffer_before_minutes;
        v_hold.buffer_after_minutes := v_service.buffer_after_minutes;
        v_hold.seats := (SELECT range_agg(int4range(s, s + 1))
                           FROM (SELECT s FROM unnest(v_free) AS r, generate_series(lower(r), upper(r) - 1) AS s
                                  ORDER BY s LIMIT v_entry.seats) AS picked);
        v_hold.hold_expires_at := least(now() + make_interval(mins => v_service.waitlist_offer_minutes),
                                        v_entry.starts_at);
        v_hold.attendee_name := v_entry.name;
        v_hold.attendee_email := v_entry.email;
        v_hold.metadata := jsonb_build_object('waitlist_entry', v_entry.id);
        v_hold.price := v_service.price * v_entry.seats;
        v_hold.currency := v_service.currency;
        v_hold := internal.insert_booking(v_hold);
        CONTINUE WHEN v_hold.id IS NULL;  -- a buyer's insert already in flight got the seat

        UPDATE booking.waitlist_entries
           SET status = 'offered', offer_id = v_hold.id, offered_at = now(),
               offer_expires_at = v_hold.hold_expires_at, updated_at = now()
         WHERE id = v_entry.id;
        PERFORM internal.queue_waitlist_offer(v_hold, v_entry.id);
        v_made := v_made + 1;
    END LOOP;
    RETURN v_made;
END
$$;
