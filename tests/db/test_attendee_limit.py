"""The service's "at most N active bookings per attendee" under real concurrency: two
connections booking for one attendee at two different free times. The rule is counted in
api.book_slot under a per-(service, attendee) advisory lock, so the second booking counts
the first once it has committed. The negative control drops the lock in this test's
database and shows the same interleaving then lets both bookings through."""

from __future__ import annotations

import re
import threading
from typing import Any

import psycopg
import pytest

from booker import DB_DIR
from tests.db.test_concurrency import race

GUEST = '{"name": "Lim", "email": "lim@example.com"}'


def _setup(url: str, limit: int = 1) -> list[Any]:
    with psycopg.connect(url, autocommit=True) as c:
        c.execute("UPDATE booking.services SET max_active_per_attendee = %s WHERE slug = 'meeting-room'",
                  (limit,))
        rows = c.execute("SELECT starts_at FROM api.available_slots('meeting-room', now() + interval '1 day',"
                         " now() + interval '14 days') ORDER BY starts_at LIMIT 8").fetchall()
    return [r[0] for r in rows]


def _book(conn: psycopg.Connection, at: Any) -> None:
    conn.execute("SELECT api.book_slot('meeting-room', %s, %s::jsonb)", (at, GUEST))


def _active(url: str) -> int:
    with psycopg.connect(url) as c:
        return int(c.execute("SELECT count(*) FROM booking.bookings WHERE attendee_email = 'lim@example.com'"
                             " AND status IN ('held', 'pending', 'confirmed')").fetchone()[0])  # type: ignore[index]


def interleave(url: str) -> tuple[str, int]:
    """A books in an open transaction; B books meanwhile (in a thread); A commits. B's outcome
    ('ok' or its SQLSTATE) and the attendee's active bookings afterwards."""
    slots = _setup(url)
    a = psycopg.connect(url)
    b = psycopg.connect(url, autocommit=True)
    outcome: list[str] = []

    def second() -> None:
        try:
            _book(b, slots[1])
            outcome.append("ok")
        except psycopg.Error as exc:
            outcome.append(exc.sqlstate or type(exc).__name__)

    try:
        _book(a, slots[0])  # not committed yet
        t = threading.Thread(target=second)
        t.start()
        t.join(1.0)  # with the lock, B waits for A; without it, B is done by now
        a.commit()
        t.join(10)
    finally:
        a.close()
        b.close()
    return outcome[0], _active(url)


def test_the_second_booking_waits_for_the_first_and_is_refused(demo_url: str) -> None:
    assert interleave(demo_url) == ("RB409", 1)


def test_many_connections_at_once_get_exactly_the_limit(demo_url: str) -> None:
    slots = _setup(demo_url, limit=2)
    outcomes = race(demo_url, 6, lambda conn, i: _book(conn, slots[i]))
    assert outcomes == {"ok": 2, "RB409": 4}, outcomes
    assert _active(demo_url) == 2


def test_negative_control_without_the_lock_both_bookings_go_through(demo_url: str) -> None:
    source = (DB_DIR / "functions" / "internal" / "check_attendee_limit.sql").read_text()
    unlocked, n = re.subn(r"\n\s*PERFORM pg_advisory_xact_lock\([^;]*\);", "", source)
    assert n == 1
    with psycopg.connect(demo_url, autocommit=True) as c:
        c.execute(unlocked.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"))
    outcome, active = interleave(demo_url)
    assert (outcome, active) == ("ok", 2), "without the lock the rule is broken by a concurrent booking"


@pytest.mark.parametrize("limit", [0, 1001])
def test_the_setting_is_bounded(demo_url: str, limit: int) -> None:
    with psycopg.connect(demo_url, autocommit=True) as c, pytest.raises(psycopg.errors.CheckViolation):
        c.execute("UPDATE booking.services SET max_active_per_attendee = %s WHERE slug = 'meeting-room'",
                  (limit,))
