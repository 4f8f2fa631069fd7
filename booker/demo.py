"""Demo data (SPEC §7): times relative to the day it is loaded, so there is always
something to book. Loaded by `booker demo-data` and by `booker up` into an empty database."""

from __future__ import annotations

import datetime as dt
from typing import cast
from zoneinfo import ZoneInfo

import psycopg

from booker.passwords import hash_password

ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "admin-demo-2026"
MEMBER_EMAIL = "member@example.com"
MEMBER_PASSWORD = "member-demo-2026"
PROVIDER_PASSWORD = "provider-demo-2026"

WEEKDAYS = range(1, 6)  # Monday to Friday

RESOURCES = [
    # slug, name, kind, capacity, timezone, owner email, opening hours, location
    (
        "provider-ana",
        "Ana Alves",
        "person",
        1,
        "Europe/Berlin",
        "ana@example.com",
        ("09:00", "17:00"),
        "Berlin",
    ),
    (
        "provider-ben",
        "Ben Becker",
        "person",
        1,
        "Europe/Berlin",
        "ben@example.com",
        ("09:00", "17:00"),
        "Berlin",
    ),
    (
        "provider-cara",
        "Cara Chen",
        "person",
        1,
        "America/New_York",
        "cara@example.com",
        ("09:00", "17:00"),
        "New York",
    ),
    ("room-berlin", "Room Berlin", "room", 1, "Europe/Berlin", None, ("08:00", "18:00"), "Berlin, 2nd floor"),
    (
        "room-nyc",
        "Room New York",
        "room",
        1,
        "America/New_York",
        None,
        ("08:00", "18:00"),
        "New York, 5th Ave",
    ),
    ("venue-hall", "The Hall", "venue", 2, "Europe/Berlin", None, None, "The Hall, Berlin"),
    ("workshop-studio", "Workshop Studio", "venue", 20, "Europe/Berlin", None, None, "Studio 3, Berlin"),
]


def _next_weekday(today: dt.date, isoweekday: int, at_least_days: int = 1) -> dt.date:
    days = (isoweekday - today.isoweekday()) % 7
    if days < at_least_days:
        days += 7
    return today + dt.timedelta(days=days)


def _window(day: dt.date, start: str, end: str, zone: str) -> tuple[dt.datetime, dt.datetime]:
    tz = ZoneInfo(zone)
    return (
        dt.datetime.combine(day, dt.time.fromisoformat(start), tz),
        dt.datetime.combine(day, dt.time.fromisoformat(end), tz),
    )


def _session(
    slug: str,
    name: str,
    window: tuple[dt.datetime, dt.datetime],
    *,
    seats: int,
    price: str,
    resource: str,
    description: str,
) -> dict[str, object]:
    """A service held once, in a fixed window at one venue: one slot as long as the window,
    at the venue resource's location."""
    minutes = int((window[1] - window[0]).total_seconds()) // 60
    venue = next(r[7] for r in RESOURCES if r[0] == resource)
    return dict(
        slug=slug,
        name=name,
        duration=minutes,
        step=minutes,
        price=price,
        seats=seats,
        window=window,
        venue=venue,
        description=description,
        resources=[resource],
    )


def is_empty(conn: psycopg.Connection) -> bool:
    row = conn.execute(
        "SELECT NOT EXISTS (SELECT 1 FROM booking.users) AND NOT EXISTS (SELECT 1 FROM booking.services)"
    ).fetchone()
    return bool(row and row[0])


def load(database_url: str, today: dt.date | None = None) -> bool:
    """Load the demo into an empty database. Returns False (and changes nothing) otherwise."""
    today = today or dt.date.today()
    with psycopg.connect(database_url) as conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(4224243)")
        if not is_empty(conn):
            return False
        users: dict[str, str] = {}
        people = [
            (ADMIN_EMAIL, "Demo Admin", "admin", ADMIN_PASSWORD),
            (MEMBER_EMAIL, "Demo Member", "member", MEMBER_PASSWORD),
            ("ana@example.com", "Ana Alves", "member", PROVIDER_PASSWORD),
            ("ben@example.com", "Ben Becker", "member", PROVIDER_PASSWORD),
            ("cara@example.com", "Cara Chen", "member", PROVIDER_PASSWORD),
        ]
        for email, name, role, password in people:
            row = conn.execute(
                "INSERT INTO booking.users (email, name, role, password_hash, email_verified_at)"
                " VALUES (%s, %s, %s, %s, now()) RETURNING id",  # demo addresses count as verified
                (email, name, role, hash_password(password)),
            ).fetchone()
            assert row
            users[email] = row[0]

        resources: dict[str, str] = {}
        for slug, name, kind, capacity, zone, owner, hours, location in RESOURCES:
            row = conn.execute(
                "INSERT INTO booking.resources (slug, name, kind, capacity, timezone, owner_id, location)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id",
                (slug, name, kind, capacity, zone, users.get(owner) if owner else None, location),
            ).fetchone()
            assert row
            resources[slug] = row[0]
            if hours:
                for weekday in WEEKDAYS:
                    conn.execute(
                        "INSERT INTO booking.availability_rules (resource_id, weekday, start_time, end_time)"
                        " VALUES (%s, %s, %s, %s)",
                        (row[0], weekday, hours[0], hours[1]),
                    )

        services = [
            dict(
                slug="consultation",
                name="Consultation",
                duration=30,
                step=30,
                buffer_after=15,
                notice=120,
                price="60.00",
                description="A 30-minute consultation with one of our advisers.",
                resources=["provider-ana", "provider-ben"],
            ),
            dict(
                slug="meeting-room",
                name="Meeting room",
                duration=60,
                step=60,
                price="25.00",
                description="A meeting room for up to 8 people, in Berlin or New York.",
                resources=["room-berlin", "room-nyc"],
            ),
            _session(
                "limited-concert",
                "Limited concert",
                _window(_next_weekday(today, 5), "19:00", "21:00", "Europe/Berlin"),
                seats=2,
                price="49.00",
                resource="venue-hall",
                description="An intimate evening concert. Only two seats.",
            ),
            _session(
                "workshop",
                "Saturday workshop",
                _window(_next_weekday(today, 6, at_least_days=8), "10:00", "13:00", "Europe/Berlin"),
                seats=4,
                price="120.00",
                resource="workshop-studio",
                description="A hands-on three-hour workshop, 20 seats.",
            ),
            dict(
                slug="expert-call",
                name="Expert call",
                duration=45,
                step=45,
                price="150.00",
                confirm=True,
                visibility="members",
                cutoff=24 * 60,
                description="A 45-minute call with an expert; the expert confirms each request.",
                resources=["provider-cara"],
            ),
        ]
        for s in services:
            window = cast("tuple[dt.datetime, dt.datetime] | None", s.get("window"))
            row = conn.execute(
                """INSERT INTO booking.services
                   (slug, name, description, duration_minutes, slot_step_minutes, buffer_after_minutes,
                    min_notice_minutes, max_advance_days, cancellation_cutoff_minutes, price, currency,
                    max_seats_per_booking, requires_confirmation, visibility, fixed_window, venue)
                   VALUES (%s, %s, %s, %s, %s, %s, %s, 60, %s, %s, 'EUR', %s, %s, %s,
                           CASE WHEN %s::timestamptz IS NULL THEN NULL
                                ELSE tstzrange(%s::timestamptz, %s::timestamptz) END, %s)
                   RETURNING id""",
                (
                    s["slug"],
                    s["name"],
                    s["description"],
                    s["duration"],
                    s["step"],
                    s.get("buffer_after", 0),
                    s.get("notice", 0),
                    s.get("cutoff", 60),
                    s["price"],
                    s.get("seats", 1),
                    s.get("confirm", False),
                    s.get("visibility", "public"),
                    window and window[0],
                    window and window[0],
                    window and window[1],
                    s.get("venue"),
                ),
            ).fetchone()
            assert row
            for slug in cast("list[str]", s["resources"]):
                conn.execute(
                    "INSERT INTO booking.service_resources VALUES (%s, %s)", (row[0], resources[slug])
                )
    return True
