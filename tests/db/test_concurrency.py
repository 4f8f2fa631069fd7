"""Invariant I1 and I5 under real concurrency: many connections race for the same
slot; the database lets exactly as many through as there are seats. The negative
controls drop the guard in this test's scratch database and show the same races
then oversell, so these tests would catch a missing or broken constraint."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest

ATTENDEE = '{"name": "Racer", "email": "racer@example.com"}'


def race(url: str, n: int, call: Callable[[psycopg.Connection, int], Any]) -> Counter[str]:
    """Run `call` on n connections released at the same instant; count outcomes by SQLSTATE."""
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    conns = [psycopg.connect(url, autocommit=True) for _ in range(n)]
    barrier = threading.Barrier(n)

    def worker(i: int) -> None:
        barrier.wait()
        try:
            call(conns[i], i)
            outcome = "ok"
        except psycopg.Error as exc:
            outcome = exc.sqlstate or type(exc).__name__
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for c in conns:
        c.close()
    return outcomes


def overlapping_pairs(conn: psycopg.Connection) -> int:
    """Pairs of blocking bookings sharing a seat of one resource at one instant (must be 0)."""
    return conn.execute(
        """SELECT count(*) FROM booking.bookings a JOIN booking.bookings b
              ON a.resource_id = b.resource_id AND a.id < b.id
             AND a.seats && b.seats AND a.blocked && b.blocked
           WHERE a.status IN ('held', 'pending', 'confirmed')
             AND b.status IN ('held', 'pending', 'confirmed')"""
    ).fetchone()[0]  # type: ignore[index]


def next_monday_10_berlin() -> dt.datetime:
    today = dt.datetime.now(ZoneInfo("Europe/Berlin")).date()
    monday = today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)
    return dt.datetime.combine(monday, dt.time(10), ZoneInfo("Europe/Berlin"))


def room_id(conn: psycopg.Connection, slug: str) -> str:
    return conn.execute("SELECT id FROM booking.resources WHERE slug = %s", (slug,)).fetchone()[0]  # type: ignore[index]


def concert_start(conn: psycopg.Connection) -> dt.datetime:
    return conn.execute(
        "SELECT lower(fixed_window) FROM booking.services WHERE slug = 'limited-concert'"
    ).fetchone()[0]  # type: ignore[index]


def test_ten_buyers_two_seats(demo_url: str, conn: psycopg.Connection) -> None:
    start = concert_start(conn)
    outcomes = race(
        demo_url,
        10,
        lambda c, i: c.execute("SELECT api.book_slot('limited-concert', %s, %s::jsonb)", (start, ATTENDEE)),
    )
    assert outcomes == Counter({"ok": 2, "RB409": 8})
    seats = conn.execute(
        "SELECT sum(seat_count) FROM booking.bookings WHERE status = 'confirmed'"
    ).fetchone()[0]  # type: ignore[index]
    assert seats == 2
    assert overlapping_pairs(conn) == 0


def test_fifty_callers_one_room(demo_url: str, conn: psycopg.Connection) -> None:
    start, room = next_monday_10_berlin(), room_id(conn, "room-berlin")
    outcomes = race(
        demo_url,
        50,
        lambda c, i: c.execute(
            "SELECT api.book_slot('meeting-room', %s, %s::jsonb, p_resource => %s)", (start, ATTENDEE, room)
        ),
    )
    assert outcomes == Counter({"ok": 1, "RB409": 49})
    assert overlapping_pairs(conn) == 0


def test_concurrent_reschedules_into_one_slot(demo_url: str, conn: psycopg.Connection) -> None:
    start, room = next_monday_10_berlin(), room_id(conn, "room-berlin")
    ids = [
        conn.execute(
            "SELECT id FROM api.book_slot('meeting-room', %s, %s::jsonb, p_resource => %s)",
            (start + dt.timedelta(hours=i + 1), ATTENDEE, room),
        ).fetchone()[0]  # type: ignore[index]
        for i in range(6)
    ]
    outcomes = race(
        demo_url,
        6,
        lambda c, i: c.execute("SELECT api.reschedule_booking(%s, %s, NULL, %s)", (ids[i], start, room)),
    )
    assert outcomes == Counter({"ok": 1, "RB409": 5})
    moved = conn.execute("SELECT count(*) FROM booking.bookings WHERE starts_at = %s", (start,)).fetchone()[0]  # type: ignore[index]
    assert moved == 1
    assert overlapping_pairs(conn) == 0


def test_concurrent_reuse_of_one_idempotency_key(demo_url: str, conn: psycopg.Connection) -> None:
    start = next_monday_10_berlin()
    outcomes = race(
        demo_url,
        12,
        lambda c, i: c.execute(
            "SELECT api.book_slot('meeting-room', %s, %s::jsonb, p_idempotency_key => 'same-key')",
            (start, ATTENDEE),
        ),
    )
    assert outcomes == Counter({"ok": 12})  # every caller gets the one booking back
    count = conn.execute(
        "SELECT count(*) FROM booking.bookings WHERE idempotency_key = 'same-key'"
    ).fetchone()[0]  # type: ignore[index]
    assert count == 1


def _two_overlapping_transactions(url: str, start: dt.datetime, room: str) -> int:
    """Two transactions book the same room and slot; the first commits only after the second
    has tried. Returns how many bookings committed."""
    first = psycopg.connect(url)
    second = psycopg.connect(url)
    committed = 0
    try:
        first.execute(
            "SELECT api.book_slot('meeting-room', %s, %s::jsonb, p_resource => %s)", (start, ATTENDEE, room)
        )
        result: list[str] = []

        def try_second() -> None:
            try:
                second.execute(
                    "SELECT api.book_slot('meeting-room', %s, %s::jsonb, p_resource => %s)",
                    (start, ATTENDEE, room),
                )
                second.commit()
                result.append("ok")
            except psycopg.Error as exc:
                second.rollback()
                result.append(exc.sqlstate or "error")

        t = threading.Thread(target=try_second)
        t.start()
        t.join(timeout=1.0)  # with the guard, the second waits on the first's uncommitted row
        first.commit()
        committed += 1
        t.join(timeout=10)
        committed += result.count("ok")
    finally:
        first.close()
        second.close()
    return committed


def test_overlapping_transactions_cannot_both_commit(demo_url: str, conn: psycopg.Connection) -> None:
    assert _two_overlapping_transactions(demo_url, next_monday_10_berlin(), room_id(conn, "room-berlin")) == 1
    assert overlapping_pairs(conn) == 0


@pytest.mark.parametrize("scenario", ["two_transactions", "fifty_callers"])
def test_negative_control_without_the_guard_oversells(
    demo_url: str, conn: psycopg.Connection, scenario: str
) -> None:
    """Drop the exclusion constraint in this scratch database: the same races now double-book,
    which proves the tests above would catch a missing guard."""
    conn.execute("ALTER TABLE booking.bookings DROP CONSTRAINT bookings_no_overlap_excl")
    start, room = next_monday_10_berlin(), room_id(conn, "room-berlin")
    if scenario == "two_transactions":
        assert _two_overlapping_transactions(demo_url, start, room) == 2
    else:
        # Hold every caller inside an open transaction until all have booked, as a slow
        # commit would; without the constraint none of them sees the others.
        def slow_commit(c: psycopg.Connection, i: int) -> None:
            c.autocommit = False
            c.execute(
                "SELECT api.book_slot('meeting-room', %s, %s::jsonb, p_resource => %s)",
                (start, ATTENDEE, room),
            )
            c.execute("SELECT pg_sleep(0.5)")
            c.commit()

        outcomes = race(demo_url, 50, slow_commit)
        assert outcomes["ok"] > 1
    assert overlapping_pairs(conn) > 0
