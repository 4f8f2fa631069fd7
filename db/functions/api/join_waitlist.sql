-- Join the waitlist of a full slot: a guest with p_attendee {name, email}, a member with
-- p_user (name and email from the account unless given). Returns the entry as JSON
-- (internal.waitlist_entry_json); joining again while the first entry is live returns it.
-- RB422 naming the field for a bad request (a start that is not a slot of the service, too
-- many seats, ...) and for a slot that still has the seats free (book it instead); RB409 when
-- 1,000 people already wait for the slot; RB403 for a guest on a members-only service.
-- The slot's resources are locked (their maintenance locks) while it checks that the slot
-- is full, as offers are made under them: seats freed meanwhile are either seen here (and
-- the join is refused) or offered to this entry.
CREATE FUNCTION api.join_waitlist(
    p_service text,
    p_starts_at timestamptz,
    p_attendee jsonb DEFAULT '{}',
    p_user uuid DEFAULT NULL,
    p_seats integer DEFAULT 1
) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v_service booking.services := internal.find_service(p_service);
    v_user booking.users;
    v_name text;
    v_email text;
    v_ids uuid[];
    v_entry booking.waitlist_entries;
BEGIN
    PERFORM internal.set_actor(p_user);
    p_attendee := coalesce(p_attendee, '{}');
    IF jsonb_typeof(p_attendee) <> 'object' THEN
        PERFORM internal.fail_invalid('attendee', 'must be an object with name and email');
    END IF;
    IF p_user IS NOT NULL THEN
        SELECT * INTO v_user FROM booking.users WHERE id = p_user AND disabled_at IS NULL;
        IF v_user.id IS NULL THEN
            PERFORM internal.fail_not_found('user');
        END IF;
    ELSIF v_service.visibility = 'members' THEN
        RAISE EXCEPTION USING ERRCODE = 'RB403', MESSAGE = 'sign in to book this service';
    END IF;
    v_name := coalesce(nullif(trim(p_attendee ->> 'name'), ''), v_user.name);
    v_email := lower(coalesce(nullif(trim(p_attendee ->> 'email'), ''), v_user.email));
    IF v_name IS NULL THEN
        PERFORM internal.fail_invalid('attendee.name', 'is required');
    END IF;
    IF length(v_name) > 200 THEN
        PERFORM internal.fail_invalid('attendee.name', 'is longer than 200 characters');
    END IF;
    IF v_email IS NULL THEN
        PERFORM internal.fail_invalid('attendee.email', 'is required');
    END IF;
    IF NOT booking.is_email_address(v_email) THEN
        PERFORM internal.fail_invalid('attendee.email', 'is not an email address');
    END IF;
    PERFORM internal.validate_slot_request(v_service, p_starts_at, p_seats);

    SELECT array_agg(c.resource_id) INTO v_ids
      FROM internal.slot_candidates(v_service, p_starts_at, p_starts_at + interval '1 microsecond') c
     WHERE c.starts_at = p_starts_at AND c.state IN ('available', 'booked') AND c.capacity >= p_seats;  -- open then, full or not
    IF v_ids IS NULL THEN
        PERFORM internal.fail_invalid('starts_at', 'is not a time this service can be booked at');
    END IF;
    PERFORM internal.lock_resources(v_ids);
    IF EXISTS (
        SELECT 1 FROM booking.resources r
         WHERE r.id = ANY (v_ids)
           AND booking.multirange_size(internal.free_seats(r.id, internal.waitlist_blocked(v_service, p_starts_at),
                                                           r.capacity)) >= p_seats
    ) THEN
        PERFORM internal.fail_invalid('starts_at', 'has free seats: book it instead of joining the waitlist');
    END IF;

    SELECT * INTO v_entry FROM booking.waitlist_entries
     WHERE service_id = v_service.id AND starts_at = p_starts_at AND lower(email) = v_email
       AND status IN ('waiting', 'offered');
    IF v_entry.id IS NOT NULL THEN
        RETURN internal.waitlist_entry_json(v_entry);
    END IF;
    IF (SELECT count(*) FROM booking.waitlist_entries
         WHERE service_id = v_service.id AND starts_at = p_starts_at AND status = 'waiting') >= 1000 THEN
        RAISE EXCEPTION USING ERRCODE = 'RB409', MESSAGE = 'the waitlist of this time is full',
            DETAIL = '{"alternatives": []}';
    END IF;
    INSERT INTO booking.waitlist_entries (service_id, starts_at, seats, user_id, name, email)
    VALUES (v_service.id, p_starts_at, p_seats, p_user, v_name, v_email)
    RETURNING * INTO v_entry;
    RETURN internal.waitlist_entry_json(v_entry);
END
$$;
