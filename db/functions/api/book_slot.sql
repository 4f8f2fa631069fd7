-- Book a slot atomically. See docs/sql-api.md.
--   * validates the request (grid, notice, advance, window, seats, attendee),
--   * replays an earlier booking with the same idempotency key (I5),
--   * converts a hold when p_hold is given,
--   * otherwise picks a free resource and seats and inserts; the exclusion
--     constraint decides, and a conflict raises RB409 with alternatives.
-- Status is 'pending' when the service needs confirmation, else 'confirmed'.
CREATE FUNCTION api.book_slot(
    p_service text,
    p_starts_at timestamptz,
    p_attendee jsonb DEFAULT '{}',
    p_user uuid DEFAULT NULL,
    p_resource uuid DEFAULT NULL,
    p_seats integer DEFAULT 1,
    p_metadata jsonb DEFAULT '{}',
    p_idempotency_key text DEFAULT NULL,
    p_hold uuid DEFAULT NULL,
    p_notes text DEFAULT NULL,
    p_manage_token_hash text DEFAULT NULL
) RETURNS booking.bookings
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, booking
    AS $$
DECLARE
    v_service booking.services := internal.find_service(p_service);
    v_user booking.users;
    v_fields booking.bookings;
    v_existing booking.bookings;
    v_hash text;
    v_email text;
BEGIN
    PERFORM internal.set_actor(p_user);
    p_attendee := coalesce(p_attendee, '{}');
    IF jsonb_typeof(p_attendee) <> 'object' THEN
        PERFORM internal.fail_invalid('attendee', 'must be an object with name, email and phone');
    END IF;
    IF p_metadata IS NOT NULL AND jsonb_typeof(p_metadata) <> 'object' THEN
        PERFORM internal.fail_invalid('metadata', 'must be a JSON object');
    END IF;
    IF p_user IS NOT NULL THEN
        SELECT * INTO v_user FROM booking.users WHERE id = p_user AND disabled_at IS NULL;
        IF v_user.id IS NULL THEN
            PERFORM internal.fail_not_found('user');
        END IF;
    ELSIF v_service.visibility = 'members' THEN  -- unlisted: not in the catalogue, bookable by its link
        RAISE EXCEPTION USING ERRCODE = 'RB403', MESSAGE = 'sign in to book this service';
    END IF;
    PERFORM internal.require_verified_email(v_service, v_user);

    v_fields.user_id := p_user;
    v_fields.created_by := p_user;
    v_fields.attendee_name := coalesce(nullif(trim(p_attendee ->> 'name'), ''), v_user.name);
    v_email := lower(coalesce(nullif(trim(p_attendee ->> 'email'), ''), v_user.email));
    IF NOT booking.is_email_address(v_email) THEN  -- the rule of domain booking.email_address
        PERFORM internal.fail_invalid('attendee.email', 'is not an email address');
    END IF;
    v_fields.attendee_email := v_email;
    v_fields.attendee_phone := nullif(trim(p_attendee ->> 'phone'), '');
    v_fields.notes := nullif(trim(p_notes), '');
    v_fields.metadata := internal.booking_answers(v_service, p_attendee -> 'answers', p_metadata);
    v_fields.manage_token_hash := p_manage_token_hash;
    v_fields.attendee_timezone := internal.attendee_zone(p_attendee ->> 'timezone');
    v_fields.status := CASE WHEN v_service.requires_confirmation THEN 'pending' ELSE 'confirmed' END;
    IF v_fields.attendee_name IS NULL THEN
        PERFORM internal.fail_invalid('attendee.name', 'is required');
    END IF;
    IF length(v_fields.attendee_name) > 200 THEN
        PERFORM internal.fail_invalid('attendee.name', 'is longer than 200 characters');
    END IF;
    IF v_fields.attendee_email IS NULL THEN
        PERFORM internal.fail_invalid('attendee.email', 'is required');
    END IF;
    IF length(v_fields.notes) > 2000 THEN
        PERFORM internal.fail_invalid('notes', 'is longer than 2000 characters');
    END IF;

    IF p_idempotency_key IS NOT NULL THEN
        IF length(p_idempotency_key) NOT BETWEEN 1 AND 200 THEN
            PERFORM internal.fail_invalid('idempotency_key', 'must be 1 to 200 characters');
        END IF;
        v_fields.idempotency_owner := coalesce(p_user::text, v_fields.attendee_email);
        v_fields.idempotency_key := p_idempotency_key;
        v_hash := md5(jsonb_build_array(v_service.id, p_starts_at, p_resource, p_seats, p_hold,
                                        p_attendee, p_metadata, p_notes)::text);
        v_fields.request_hash := v_hash;
        -- Same key, same owner: the second request waits for the first to commit.
        PERFORM pg_advisory_xact_lock(hashtextextended(v_fields.idempotency_owner || '/' || p_idempotency_key, 0));
        SELECT * INTO v_existing FROM booking.bookings
         WHERE idempotency_owner = v_fields.idempotency_owner AND idempotency_key = p_idempotency_key;
        IF v_existing.id IS NOT NULL THEN
            IF v_existing.request_hash IS DISTINCT FROM v_hash THEN
                PERFORM internal.fail_invalid('idempotency_key', 'was already used for a different request');
            END IF;
            RETURN v_existing;
        END IF;
    END IF;

    PERFORM internal.check_attendee_limit(v_service, v_fields, p_hold);
    IF p_hold IS NOT NULL THEN
        RETURN internal.convert_hold(v_service, p_hold, p_starts_at, v_fields);
    END IF;
    RETURN internal.place_booking(v_service, p_starts_at, p_seats, p_resource, v_fields);
END
$$;
