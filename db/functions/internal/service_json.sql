-- The one JSON representation of a service. Every audience gets these fields; p_admin
-- adds what only admins see (active, timestamps, the slugs of its resources), and the
-- public detail (api.service_detail) and the catalogue (api.service_catalogue) add their
-- own extras (the active resources, seats left, the next free slot) to this same object.
CREATE FUNCTION internal.service_json(p_service booking.services, p_admin boolean DEFAULT false) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT jsonb_build_object(
        'id', p_service.id, 'slug', p_service.slug, 'name', p_service.name,
        'description', p_service.description, 'duration_minutes', p_service.duration_minutes,
        'slot_step_minutes', p_service.slot_step_minutes,
        'buffer_before_minutes', p_service.buffer_before_minutes,
        'buffer_after_minutes', p_service.buffer_after_minutes,
        'min_notice_minutes', p_service.min_notice_minutes, 'max_advance_days', p_service.max_advance_days,
        'cancellation_cutoff_minutes', p_service.cancellation_cutoff_minutes,
        'price', p_service.price::text, 'currency', p_service.currency,
        'max_seats_per_booking', p_service.max_seats_per_booking,
        'requires_confirmation', p_service.requires_confirmation, 'visibility', p_service.visibility,
        'venue', p_service.venue,
        'max_active_per_attendee', p_service.max_active_per_attendee,
        'starts_at', lower(p_service.fixed_window), 'ends_at', upper(p_service.fixed_window),
        'questions', p_service.questions, 'reminder_offsets', to_jsonb(p_service.reminder_offsets),
        'requires_verified_email', p_service.requires_verified_email)
    || CASE WHEN p_admin THEN jsonb_build_object(
        'active', p_service.active, 'created_at', p_service.created_at, 'updated_at', p_service.updated_at,
        'resources', coalesce((SELECT jsonb_agg(r.slug ORDER BY r.slug)
                                 FROM booking.service_resources sr
                                 JOIN booking.resources r ON r.id = sr.resource_id
                                WHERE sr.service_id = p_service.id), '[]'))
       ELSE '{}' END
$$;
