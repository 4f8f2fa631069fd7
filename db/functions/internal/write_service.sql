-- Apply p_fields to service p_id, which the caller has locked: the columns (slug, name,
-- description, duration_minutes, slot_step_minutes, buffer_before_minutes,
-- buffer_after_minutes, min_notice_minutes, max_advance_days, cancellation_cutoff_minutes,
-- price, currency, max_seats_per_booking, requires_confirmation, visibility, venue, active,
-- max_active_per_attendee),
-- starts_at (a one-off event's start: the window lasts duration_minutes; null makes the
-- service recurring again) and resources (the slugs of the resources that deliver it).
-- Keys absent from p_fields keep their value. The table's constraints judge the values.
CREATE FUNCTION internal.write_service(p_id uuid, p_fields jsonb) RETURNS booking.services
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v booking.services;
    v_fields jsonb := internal.picked(p_fields, ARRAY[
        'slug', 'name', 'description', 'duration_minutes', 'slot_step_minutes', 'buffer_before_minutes',
        'buffer_after_minutes', 'min_notice_minutes', 'max_advance_days', 'cancellation_cutoff_minutes',
        'price', 'currency', 'max_seats_per_booking', 'requires_confirmation', 'visibility', 'venue',
        'active', 'max_active_per_attendee']);
BEGIN
    PERFORM internal.check_one_of('visibility', v_fields ->> 'visibility',
                                  enum_range(NULL::booking.service_visibility)::text[]);
    SELECT * INTO v FROM booking.services WHERE id = p_id;
    PERFORM internal.check_field_types(v, v_fields);  -- RB422 naming the field, not a bare cast error
    v := jsonb_populate_record(v, v_fields);
    IF p_fields ? 'starts_at' THEN
        BEGIN
            PERFORM (p_fields ->> 'starts_at')::timestamptz;
        EXCEPTION WHEN data_exception THEN
            PERFORM internal.fail_invalid('starts_at', 'must be a date and time, e.g. 2027-06-04T19:00:00+02:00');
        END;
        v.fixed_window := CASE WHEN p_fields ->> 'starts_at' IS NOT NULL THEN tstzrange(
            (p_fields ->> 'starts_at')::timestamptz,
            (p_fields ->> 'starts_at')::timestamptz + make_interval(mins => v.duration_minutes)) END;
    ELSIF v.fixed_window IS NOT NULL THEN  -- a new duration moves the event's end
        v.fixed_window := tstzrange(lower(v.fixed_window), lower(v.fixed_window)
                                                           + make_interval(mins => v.duration_minutes));
    END IF;
    UPDATE booking.services
       SET slug = v.slug, name = v.name, description = v.description, duration_minutes = v.duration_minutes,
           slot_step_minutes = v.slot_step_minutes, buffer_before_minutes = v.buffer_before_minutes,
           buffer_after_minutes = v.buffer_after_minutes, min_notice_minutes = v.min_notice_minutes,
           max_advance_days = v.max_advance_days, cancellation_cutoff_minutes = v.cancellation_cutoff_minutes,
           price = v.price, currency = v.currency, max_seats_per_booking = v.max_seats_per_booking,
           requires_confirmation = v.requires_confirmation, visibility = v.visibility, venue = v.venue,
           fixed_window = v.fixed_window, active = v.active,
           max_active_per_attendee = v.max_active_per_attendee, updated_at = now()
     WHERE id = p_id
    RETURNING * INTO v;
    v := internal.write_service_account(p_id, p_fields);  -- questions, reminders (issue 14)
    IF p_fields ? 'resources' THEN
        PERFORM internal.link_service_resources(p_id, p_fields -> 'resources');
    END IF;
    RETURN v;
END
$$;
