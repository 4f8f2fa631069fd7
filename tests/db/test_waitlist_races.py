"""The waitlist under real concurrency (issue 16): offers are made in the transaction that
frees the seats, so

* a buyer racing a cancellation never gets the freed seat while someone waits for it;
* many cancellations at once give each freed seat to a different person, in line order,
  without deadlocks;
* an offer that lapses while it is being accepted is either taken or passed on, never both.

Each test has a negative control that removes the guard in this test's scratch database
(the trigger, the entry's row-lock claim, the accept's re-check under the hold's lock) and
shows that the same race then goes wrong, so the tests would catch a missing guard."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import Counter
from typing import Any

import psycopg
import pytest

from booker import DB_DIR
from tests.db.test_concurrency import overlapping_pairs, race

BLOCKING = "('held', 'pending', 'confirmed')"


def one(conn: psycopg.Connection, sql: str, params: Any = None) -> Any:
    row = conn.execute(sql, params).fetchone()
    assert row is not None
    return row[0]


def concert(conn: psycopg.Connection) -> dt.datetime:
    return one(conn, "SELECT lower(fixed_window) FROM booking.services WHERE slug = 'limited-concert'")


def book(conn: psycopg.Connection, service: str, start: dt.datetime, email: str, **kw: Any) -> str:
    extra = "".join(f", p_{k} => %({k})s" for k in kw)
    sql = "SELECT id FROM api.book_slot(%(s)s, %(t)s, jsonb_build_object('name', 'N', 'email', %(e)s::text)"
    return one(conn, sql + extra + ")", {"s": service, "t": start, "e": email, **kw})


def join(conn: psycopg.Connection, service: str, start: dt.datetime, email: str) -> str:
    sql = "SELECT api.join_waitlist(%s, %s, jsonb_build_object('name', 'W', 'email', %s::text)) ->> 'id'"
    return one(conn, sql, (service, start, email))


def offers_per_entry(conn: psycopg.Connection) -> Counter[str]:
    """Live offers (holds made for a waitlist entry) per entry."""
    rows = conn.execute(
        "SELECT metadata ->> 'waitlist_entry' FROM booking.bookings"
        f" WHERE metadata ? 'waitlist_entry' AND status IN {BLOCKING}"
    ).fetchall()
    return Counter(r[0] for r in rows)


def replace_function(conn: psycopg.Connection, file: str, old: str, new: str) -> None:
    """Re-create a function from its file with `old` replaced (a guard removed)."""
    text = (DB_DIR / "functions" / file).read_text()
    assert old in text, f"{old!r} not in {file}"
    conn.execute(text.replace(old, new).replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))


# ---------------------------------------------------------------- a cancellation and a buyer at once


def cancel_while_buyers_hammer(url: str, conn: psycopg.Connection) -> tuple[Counter[str], str]:
    """The concert (2 seats) is sold out and one person waits. One connection cancels a booking
    while eight buyers keep trying to book the concert for a second. Returns the buyers'
    outcomes and the waiting entry's status."""
    start = concert(conn)
    first = book(conn, "limited-concert", start, "a@example.com")
    book(conn, "limited-concert", start, "b@example.com")
    entry = join(conn, "limited-concert", start, "w@example.com")

    def call(c: psycopg.Connection, i: int) -> None:
        if i == 0:
            time.sleep(0.2)  # the buyers are already at it
            c.execute("SELECT api.cancel_booking(%s, NULL)", (first,))
            return
        deadline = time.monotonic() + 1.0
        while True:
            try:
                book(c, "limited-concert", start, "buyer@example.com")
                return
            except psycopg.Error as exc:
                if exc.sqlstate != "RB409" or time.monotonic() > deadline:
                    raise

    outcomes = race(url, 9, call)
    outcomes["ok"] -= 1  # the cancellation
    assert overlapping_pairs(conn) == 0
    return +outcomes, one(conn, "SELECT status FROM booking.waitlist_entries WHERE id = %s", (entry,))


def test_a_buyer_racing_a_cancellation_never_gets_the_seat_someone_waits_for(
    demo_url: str, conn: psycopg.Connection
) -> None:
    outcomes, status = cancel_while_buyers_hammer(demo_url, conn)
    assert outcomes == Counter({"RB409": 8})
    assert status == "offered"


def test_negative_control_without_the_trigger_a_buyer_takes_the_seat(
    demo_url: str, conn: psycopg.Connection
) -> None:
    conn.execute("DROP TRIGGER bookings_waitlist ON booking.bookings")
    outcomes, status = cancel_while_buyers_hammer(demo_url, conn)
    assert outcomes["ok"] == 1
    assert status == "waiting"


# ---------------------------------------------------------------- many cancellations at once

POOL = 10


def pool_of_rooms(conn: psycopg.Connection) -> dt.datetime:
    """A service delivered by ten one-seat rooms (so ten cancellations lock ten different
    resources and really run at once), all booked at one slot tomorrow; six people wait."""
    start = dt.datetime.combine(dt.date.today() + dt.timedelta(days=2), dt.time(12), dt.UTC)
    sid = one(conn, """INSERT INTO booking.services (slug, name, duration_minutes, slot_step_minutes)
                       VALUES ('pool', 'Pool', 60, 60) RETURNING id""")
    for n in range(POOL):
        rid = one(conn, """INSERT INTO booking.resources (slug, name, capacity, timezone)
                           VALUES (%s, 'Room', 1, 'UTC') RETURNING id""", (f"pool-{n}",))
        conn.execute("INSERT INTO booking.service_resources VALUES (%s, %s)", (sid, rid))
        conn.execute("""INSERT INTO booking.availability_rules (resource_id, weekday, start_time, end_time)
                        SELECT %s, d, '00:00', '24:00' FROM generate_series(1, 7) d""", (rid,))
        book(conn, "pool", start, f"b{n}@example.com")
    return start


@pytest.mark.parametrize("where", ["one venue", "ten rooms"])
def test_many_cancellations_at_once_each_seat_to_another_person_in_order(
    demo_url: str, conn: psycopg.Connection, where: str
) -> None:
    if where == "one venue":
        service = "workshop"
        start = one(conn, "SELECT lower(fixed_window) FROM booking.services WHERE slug = 'workshop'")
        for n in range(20):
            book(conn, service, start, f"b{n}@example.com")
    else:
        service, start = "pool", pool_of_rooms(conn)
    entries = [join(conn, service, start, f"w{n}@example.com") for n in range(6)]
    bookings = [r[0] for r in conn.execute(
        "SELECT id FROM booking.bookings WHERE starts_at = %s AND status = 'confirmed'"
        " ORDER BY reference LIMIT 10",
        (start,)).fetchall()]
    outcomes = race(demo_url, 10, lambda c, i: c.execute("SELECT api.cancel_booking(%s, NULL)",
                                                         (bookings[i],)))
    assert outcomes == Counter({"ok": 10})  # no deadlock, no error
    offers = offers_per_entry(conn)
    assert sorted(offers) == sorted(entries)  # the six in line, one offer each
    assert set(offers.values()) == {1}
    statuses = [one(conn, "SELECT status FROM booking.waitlist_entries WHERE id = %s", (e,)) for e in entries]
    assert statuses == ["offered"] * 6
    assert overlapping_pairs(conn) == 0
    taken = one(conn, "SELECT sum(seat_count) FROM booking.bookings"
                      f" WHERE starts_at = %s AND status IN {BLOCKING}", (start,))
    assert taken == (20 if service == "workshop" else POOL) - 4  # ten seats freed, six offered


def test_negative_control_without_the_entry_claim_one_person_gets_several_offers(
    demo_url: str, conn: psycopg.Connection
) -> None:
    replace_function(conn, "internal/offer_seats.sql",
                     "PERFORM 1 FROM booking.waitlist_entries"
                     " WHERE id = v_entry.id AND status = 'waiting' FOR UPDATE SKIP LOCKED;\n"
                     "        CONTINUE WHEN NOT FOUND;", "")
    start = pool_of_rooms(conn)
    for n in range(6):
        join(conn, "pool", start, f"w{n}@example.com")
    bookings = [r[0] for r in conn.execute(
        "SELECT id FROM booking.bookings WHERE starts_at = %s AND status = 'confirmed'", (start,)).fetchall()]

    def slow_cancel(c: psycopg.Connection, i: int) -> None:
        c.autocommit = False  # every offer made before any commits, as on a busy machine
        c.execute("SELECT api.cancel_booking(%s, NULL)", (bookings[i],))
        c.execute("SELECT pg_sleep(0.2)")
        c.commit()

    race(demo_url, 10, slow_cancel)
    assert max(offers_per_entry(conn).values()) > 1


# ---------------------------------------------------------------- an offer lapsing while it is accepted


def lapse_in(conn: psycopg.Connection, hold: str, seconds: float) -> None:
    conn.execute("UPDATE booking.bookings SET hold_expires_at = clock_timestamp() + make_interval(secs => %s)"
                 " WHERE id = %s", (seconds, hold))


def accept_after_lapse(url: str, conn: psycopg.Connection) -> tuple[str, tuple[str, str, str]]:
    """The first in line has an offer; a second person waits. An accept whose transaction
    began before the offer's end runs after the sweep expired the offer and passed it on.
    Returns the accept's outcome and (hold, first entry, second entry) statuses."""
    start = concert(conn)
    first = book(conn, "limited-concert", start, "a@example.com")
    book(conn, "limited-concert", start, "b@example.com")
    e1 = join(conn, "limited-concert", start, "w1@example.com")
    e2 = join(conn, "limited-concert", start, "w2@example.com")
    conn.execute("SELECT api.cancel_booking(%s, NULL)", (first,))
    hold = one(conn, "SELECT offer_id FROM booking.waitlist_entries WHERE id = %s", (e1,))
    lapse_in(conn, hold, 1.0)

    accepter = psycopg.connect(url)  # a transaction: now() is its start, before the offer's end
    try:
        accepter.execute("SELECT now()")
        time.sleep(1.2)
        sweep = psycopg.connect(url, autocommit=True)
        sweep.execute("SELECT api.expire_holds()")
        sweep.close()
        try:
            accepter.execute("SELECT api.accept_waitlist_offer(%s, NULL)", (hold,))
            accepter.commit()
            outcome = "ok"
        except psycopg.Error as exc:
            accepter.rollback()
            outcome = exc.sqlstate or "error"
    finally:
        accepter.close()
    states = (one(conn, "SELECT status::text FROM booking.bookings WHERE id = %s", (hold,)),
              one(conn, "SELECT status FROM booking.waitlist_entries WHERE id = %s", (e1,)),
              one(conn, "SELECT status FROM booking.waitlist_entries WHERE id = %s", (e2,)))
    assert overlapping_pairs(conn) == 0
    return outcome, states


def test_an_offer_lapsing_while_accepted_is_passed_on_and_the_accept_refused(
    demo_url: str, conn: psycopg.Connection
) -> None:
    assert accept_after_lapse(demo_url, conn) == ("RB409", ("expired", "lapsed", "offered"))


def test_an_offer_accepted_and_expired_at_the_same_instant_has_one_outcome(
    demo_url: str, conn: psycopg.Connection
) -> None:
    """Both orders, for real: the accept and the sweep start together just after the end."""
    start = concert(conn)  # which side wins depends on the scheduler: both happen over four rounds
    for round_ in range(4):
        conn.execute("DELETE FROM booking.waitlist_entries")
        conn.execute(f"UPDATE booking.bookings SET status = 'cancelled' WHERE status IN {BLOCKING}")
        first = book(conn, "limited-concert", start, f"a{round_}@example.com")
        book(conn, "limited-concert", start, f"b{round_}@example.com")
        e1 = join(conn, "limited-concert", start, f"w1-{round_}@example.com")
        e2 = join(conn, "limited-concert", start, f"w2-{round_}@example.com")
        conn.execute("SELECT api.cancel_booking(%s, NULL)", (first,))
        hold = one(conn, "SELECT offer_id FROM booking.waitlist_entries WHERE id = %s", (e1,))
        lapse_in(conn, hold, 0.5)

        def call(c: psycopg.Connection, i: int, hold: str = hold) -> None:
            if i == 0:
                c.autocommit = False
                c.execute("SELECT now()")  # began before the end
                time.sleep(0.6)
                c.execute("SELECT api.accept_waitlist_offer(%s, NULL)", (hold,))
                c.commit()
            else:
                time.sleep(0.6)
                c.execute("SELECT api.expire_holds()")

        outcomes = race(demo_url, 2, call)
        states = (one(conn, "SELECT status::text FROM booking.bookings WHERE id = %s", (hold,)),
                  one(conn, "SELECT status FROM booking.waitlist_entries WHERE id = %s", (e1,)),
                  one(conn, "SELECT status FROM booking.waitlist_entries WHERE id = %s", (e2,)))
        if outcomes["ok"] == 2:  # the accept won
            assert states == ("confirmed", "booked", "waiting")
        else:  # the sweep won: the accept is refused with RB409, the offer passed on
            assert outcomes == Counter({"ok": 1, "RB409": 1})
            assert states == ("expired", "lapsed", "offered")
        assert overlapping_pairs(conn) == 0


def test_negative_control_an_accept_without_the_recheck_takes_a_passed_on_seat(
    demo_url: str, conn: psycopg.Connection
) -> None:
    """Without the re-check under the hold's lock, an accept that began before the end
    confirms an expired hold whose seat was passed on: only the exclusion constraint stops it
    (23P01), where the real accept answers RB409 'expired'."""
    conn.execute(re.sub(r"(?s)BEGIN\n.*\nEND\n\$\$;", """BEGIN
    UPDATE booking.bookings SET status = 'confirmed', hold_expires_at = NULL
     WHERE id = p_offer AND hold_expires_at > now() RETURNING * INTO v_hold;
    RETURN v_hold;
END
$$;""", (DB_DIR / "functions/api/accept_waitlist_offer.sql").read_text()).replace(
        "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))
    outcome, _ = accept_after_lapse(demo_url, conn)
    assert outcome != "RB409"


# ---------------------------------------------------------------- everything at once


def test_a_busy_line_never_deadlocks_never_double_offers(demo_url: str, conn: psycopg.Connection) -> None:
    """30 connections for three seconds on the pool of ten rooms with people waiting: cancel,
    buy, join, accept and turn down offers, let offers lapse, sweep. No deadlock (40P01), no
    error other than the expected refusals and 40001 (which the edge retries: a cancellation
    whose prelock looked just before someone joined), no seat twice, nobody with two live
    offers, and every offered entry's offer is a live hold. Before the offers' entry claim
    skipped locked entries and the sweep took its locks up front, this test deadlocked."""
    import random

    start = pool_of_rooms(conn)
    for n in range(10):
        join(conn, "pool", start, f"w{n}@example.com")
    deadline = time.monotonic() + 3.0
    retries: Counter[str] = Counter()

    def call(c: psycopg.Connection, i: int) -> None:
        rnd = random.Random(i)
        n = 0
        while time.monotonic() < deadline:
            n += 1
            op = rnd.choice(["cancel", "buy", "join", "accept", "decline", "lapse", "sweep"])
            try:
                if op == "cancel":
                    c.execute("SELECT api.cancel_booking(id, NULL) FROM booking.bookings WHERE starts_at = %s"
                              " AND status = 'confirmed' ORDER BY random() LIMIT 1", (start,))
                elif op == "buy":
                    book(c, "pool", start, f"buyer{i}-{n}@example.com")
                elif op == "join":
                    join(c, "pool", start, f"j{i}-{n}@example.com")
                elif op in ("accept", "decline", "lapse"):
                    row = c.execute("SELECT offer_id FROM booking.waitlist_entries WHERE status = 'offered'"
                                    " ORDER BY random() LIMIT 1").fetchone()
                    if row is None:
                        continue
                    if op == "lapse":
                        c.execute("UPDATE booking.bookings SET hold_expires_at = now() WHERE id = %s"
                                  " AND status = 'held'", (row[0],))
                    else:
                        c.execute(f"SELECT api.{op}_waitlist_offer(%s, NULL)", (row[0],))
                else:
                    c.execute("SELECT api.expire_holds()")
            except psycopg.Error as exc:
                if exc.sqlstate == "40001":  # retried by the edge (a prelock that raced a join)
                    retries[op] += 1
                elif exc.sqlstate not in ("RB409", "RB422"):  # taken, lapsed, seats free (join)
                    raise

    outcomes = race(demo_url, 30, call)
    assert outcomes == Counter({"ok": 30})  # no deadlock
    assert retries["accept"] == retries["decline"] == 0  # they never wait for a lock they could deadlock on
    conn.execute("SELECT api.expire_holds()")
    assert overlapping_pairs(conn) == 0
    assert set(offers_per_entry(conn).values()) <= {1}
    stale = one(conn, f"""SELECT count(*) FROM booking.waitlist_entries w
                            JOIN booking.bookings b ON b.id = w.offer_id
                          WHERE w.status = 'offered' AND b.status NOT IN {BLOCKING}""")
    assert stale == 0
    # nobody waits while a room of the slot is free (the sweep offered what was left)
    waiting = one(conn, "SELECT count(*) FROM booking.waitlist_entries WHERE status = 'waiting'")
    taken = one(conn, f"SELECT count(*) FROM booking.bookings WHERE starts_at = %s AND status IN {BLOCKING}",
                (start,))
    assert waiting == 0 or taken == POOL
