"""A hot sale under stress (issue 10): 60 connections buy 1-4 seats of a 300-seat session
(some as holds) while bookings are cancelled, holds lapse and the worker's sweep expires
them. Bounded by a number of calls, not by time. It checks that

* no deadlock (40P01) or any error other than a refusal (RB409) reaches a caller;
* every refusal is true: right after it, in the same transaction (so at the same now()),
  the committed bookings leave fewer free seats than were asked for. Seats can only have
  become fewer since the refusal's own scan: cancellations and forced lapses wait for
  every buyer in flight (an advisory lock, exclusive for them, shared for buyers), and a
  hold that another transaction expired meanwhile but that was still live at our now()
  is counted as taken;
* no seat is held twice, and the session is sold out at the end.

The negative controls install a deliberately broken allocation in this test's scratch
database and show the same checks catch a false refusal and a deadlock."""

from __future__ import annotations

import random
import threading
from collections import Counter
from dataclasses import dataclass, field

import psycopg
import pytest

from tests.db.test_concurrency import overlapping_pairs

CAPACITY = 300
BUYERS = 60
CALLS_PER_BUYER = 10
FREEZE = 4242  # advisory lock key: shared while buying, exclusive while freeing seats

SETUP = f"""
INSERT INTO booking.services (slug, name, duration_minutes, slot_step_minutes, fixed_window,
                              max_seats_per_booking)
VALUES ('stress', 'Stress', 120, 120,
        tstzrange(date_trunc('day', now()) + interval '3 days 18 hours',
                  date_trunc('day', now()) + interval '3 days 20 hours'), 4);
INSERT INTO booking.resources (slug, name, kind, capacity, timezone)
VALUES ('hall', 'Hall', 'venue', {CAPACITY}, 'UTC');
INSERT INTO booking.service_resources
SELECT s.id, r.id FROM booking.services s, booking.resources r WHERE s.slug = 'stress' AND r.slug = 'hall';

-- One call of a buyer: book or hold p_seats. On a refusal, the seats free at this same
-- now() according to the committed bookings, read right after the refusal.
CREATE FUNCTION public.stress_buy(p_seats integer, p_email text, p_hold boolean) RETURNS jsonb
    LANGUAGE plpgsql AS $$
DECLARE
    v_start timestamptz := (SELECT lower(fixed_window) FROM booking.services WHERE slug = 'stress');
    v_id uuid;
BEGIN
    PERFORM pg_advisory_xact_lock_shared({FREEZE});
    BEGIN
        IF p_hold THEN
            SELECT id INTO v_id FROM api.hold_slot('stress', v_start, p_seats, p_minutes => 1);
        ELSE
            SELECT id INTO v_id FROM api.book_slot('stress', v_start,
                jsonb_build_object('name', 'Buyer', 'email', p_email), p_seats => p_seats);
        END IF;
        RETURN jsonb_build_object('id', v_id);
    EXCEPTION WHEN SQLSTATE 'RB409' THEN
        RETURN jsonb_build_object('free', {CAPACITY} - (
            SELECT coalesce(sum(b.seat_count), 0) FROM booking.bookings b
             WHERE (b.status IN ('held', 'pending', 'confirmed')
                    AND NOT (b.status = 'held' AND b.hold_expires_at <= now()))
                OR (b.status = 'expired' AND b.hold_expires_at > now())));
    END;
END
$$;
"""

# Negative control 1: the hole scan is gone, so once the counter has passed the capacity
# a buyer is refused although cancellations and lapsed holds left seats free.
NO_HOLE_SCAN = """
CREATE OR REPLACE FUNCTION internal.allocate_seats(
    p_resource uuid, p_blocked tstzrange, p_count integer, p_capacity integer, p_ignore uuid DEFAULT NULL,
    p_spread boolean DEFAULT false
) RETURNS int4multirange LANGUAGE sql AS $$ SELECT NULL::int4multirange $$;
"""

# Negative control 2: seat numbers handed out under row locks that outlive the statement,
# taken in no particular order (as the striped cursors did): buyers deadlock.
LOCKED_STRIPES = """
CREATE TABLE public.stripes (n integer PRIMARY KEY, taken integer NOT NULL DEFAULT 0);
INSERT INTO public.stripes (n) SELECT generate_series(1, 2);
CREATE OR REPLACE FUNCTION internal.advance_seat_cursor(
    p_counter regclass, p_count integer, p_capacity integer)
    RETURNS int4multirange LANGUAGE plpgsql AS $$
DECLARE
    v_seat integer;
    v_seats int4multirange := '{}';
BEGIN
    UPDATE public.stripes SET taken = taken + 1 WHERE n = 1 + floor(random() * 2)::integer;
    PERFORM pg_sleep(0.002);
    UPDATE public.stripes SET taken = taken + 1 WHERE n = 1 + floor(random() * 2)::integer;
    FOR i IN 1 .. p_count LOOP
        v_seat := nextval(p_counter);
        IF v_seat > p_capacity THEN
            RETURN NULL;
        END IF;
        v_seats := v_seats + int4multirange(int4range(v_seat, v_seat + 1));
    END LOOP;
    RETURN v_seats;
END
$$;
"""


@dataclass
class Sale:
    booked: list[tuple[str, bool]] = field(default_factory=list)  # (id, is a hold)
    refusals: int = 0
    false_refusals: list[str] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    cancelled: int = 0
    lapsed: int = 0
    swept: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def run_sale(url: str, seed: int = 10, stop_at_error: bool = False) -> Sale:
    """The sale; with stop_at_error (the negative controls) buyers stop at the first error."""
    sale = Sale()
    done = threading.Event()
    barrier = threading.Barrier(BUYERS + 3)

    def buyer(n: int) -> None:
        rnd = random.Random(seed * 1000 + n)
        with psycopg.connect(url, autocommit=True) as conn:
            barrier.wait()
            for i in range(CALLS_PER_BUYER):
                if stop_at_error and sale.errors:
                    return
                seats, hold = rnd.randint(1, 4), rnd.random() < 0.25
                try:
                    row = conn.execute("SELECT public.stress_buy(%s, %s, %s)",
                                       (seats, f"b{n}-{i}@example.com", hold)).fetchone()
                except psycopg.Error as exc:
                    with sale.lock:
                        sale.errors[exc.sqlstate or type(exc).__name__] += 1
                    continue
                assert row
                result = row[0]
                with sale.lock:
                    if "id" in result:
                        sale.booked.append((result["id"], hold))
                    else:
                        sale.refusals += 1
                        if result["free"] >= seats:
                            sale.false_refusals.append(f"{seats} seat(s) refused with {result['free']} free")

    def freer(kind: str) -> None:
        """Cancel a confirmed booking, or make a live hold lapse, every few milliseconds."""
        rnd = random.Random(seed + len(kind))
        with psycopg.connect(url, autocommit=True) as conn:
            barrier.wait()
            while not done.is_set():
                done.wait(0.005)
                with sale.lock:
                    candidates = [b for b, hold in sale.booked if hold == (kind == "lapse")]
                if not candidates:
                    continue
                victim = rnd.choice(candidates)
                with conn.transaction():
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (FREEZE,))
                    if kind == "lapse":
                        changed = conn.execute(
                            "UPDATE booking.bookings SET hold_expires_at = now() - interval '1 second'"
                            " WHERE id = %s AND status = 'held' AND hold_expires_at > now()",
                            (victim,)).rowcount
                    else:
                        changed = conn.execute(
                            "UPDATE booking.bookings SET status = 'cancelled'"
                            " WHERE id = %s AND status = 'confirmed'", (victim,)).rowcount
                with sale.lock:
                    if kind == "lapse":
                        sale.lapsed += changed
                    else:
                        sale.cancelled += changed

    def sweeper() -> None:
        """The worker's periodic api.expire_holds(), without any test lock."""
        with psycopg.connect(url, autocommit=True) as conn:
            barrier.wait()
            while not done.is_set():
                done.wait(0.02)
                try:
                    swept = conn.execute("SELECT api.expire_holds()").fetchone()[0]  # type: ignore[index]
                except psycopg.Error as exc:
                    with sale.lock:
                        sale.errors[f"sweep {exc.sqlstate}"] += 1
                    continue
                with sale.lock:
                    sale.swept += swept

    buyers = [threading.Thread(target=buyer, args=(n,)) for n in range(BUYERS)]
    others = [threading.Thread(target=freer, args=("cancel",)),
              threading.Thread(target=freer, args=("lapse",)),
              threading.Thread(target=sweeper)]
    for t in buyers + others:
        t.start()
    for t in buyers:
        t.join()
    done.set()
    for t in others:
        t.join()
    return sale


@pytest.fixture
def sale_url(db_url: str) -> str:
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(SETUP)
    return db_url


def free_seats(conn: psycopg.Connection) -> int:
    return CAPACITY - conn.execute(
        "SELECT coalesce(sum(seat_count), 0) FROM booking.bookings"
        " WHERE status IN ('held', 'pending', 'confirmed')"
        " AND NOT (status = 'held' AND hold_expires_at <= now())").fetchone()[0]  # type: ignore[index]


def test_hot_sale_no_deadlock_no_false_refusal_no_double_seat(sale_url: str) -> None:
    sale = run_sale(sale_url)
    assert not sale.errors, sale.errors  # no 40P01 (nor anything else) reaches a caller
    assert not sale.false_refusals, sale.false_refusals[:5]
    # the sale was a real one: it sold out, with seats freed and refilled during it
    assert sale.refusals > 0 and sale.cancelled > 0 and sale.lapsed > 0
    with psycopg.connect(sale_url, autocommit=True) as conn:
        assert overlapping_pairs(conn) == 0
        # seats freed after the last buyer's call: one more buyer takes them one by one
        # until refused, and then none is left (the last holes come from the scan)
        while "id" in conn.execute("SELECT public.stress_buy(1, 'last@example.com', false)").fetchone()[0]:  # type: ignore[index]
            pass
        assert free_seats(conn) == 0
        assert overlapping_pairs(conn) == 0
        counters = conn.execute("SELECT count(*) FROM booking.seat_cursors").fetchone()[0]  # type: ignore[index]
    assert counters == 1  # the session's seats came from its counter


def test_hot_sale_negative_control_catches_a_false_refusal(sale_url: str) -> None:
    with psycopg.connect(sale_url, autocommit=True) as conn:
        conn.execute(NO_HOLE_SCAN)
    sale = run_sale(sale_url)
    assert sale.false_refusals  # the check sees refusals while seats were free


def test_hot_sale_negative_control_catches_a_deadlock(sale_url: str) -> None:
    with psycopg.connect(sale_url, autocommit=True) as conn:
        conn.execute(LOCKED_STRIPES)
    sale = run_sale(sale_url, stop_at_error=True)
    assert sale.errors["40P01"] > 0  # the check sees deadlocks reach callers


SWAP_ROOMS = 8
SWAP_SETUP = f"""
INSERT INTO booking.services (slug, name, duration_minutes, slot_step_minutes, max_advance_days)
VALUES ('swap', 'Swap', 60, 60, 365);
INSERT INTO booking.resources (slug, name, capacity, timezone)
SELECT 'swap-room-' || n, 'Swap room ' || n, 1, 'UTC' FROM generate_series(1, {SWAP_ROOMS}) n;
INSERT INTO booking.availability_rules (resource_id, weekday, start_time, end_time)
SELECT id, d, '00:00', '24:00' FROM booking.resources, generate_series(1, 7) d WHERE slug LIKE 'swap-room-%';
INSERT INTO booking.service_resources
SELECT s.id, r.id FROM booking.services s, booking.resources r
 WHERE s.slug = 'swap' AND r.slug LIKE 'swap-room-%';
"""


def test_bookings_swapping_slots_never_deadlock(db_url: str) -> None:
    """In each of 8 rooms, two bookings move into each other's slot at once: each UPDATE
    would wait for the other's (before the resource locks of internal.place_booking: 40P01).
    Now one waits for the other's lock, and both are refused, as each slot is still taken."""
    from tests.db.test_concurrency import race

    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(SWAP_SETUP)
        starts = [at for (at,) in conn.execute(
            "SELECT date_trunc('day', now()) + interval '2 days 9 hours' + n * interval '1 hour'"
            " FROM generate_series(0, 1) n").fetchall()]
        rooms = [r for (r,) in conn.execute(
            "SELECT id FROM booking.resources WHERE slug LIKE 'swap-room-%' ORDER BY slug").fetchall()]
        ids = [[conn.execute("SELECT id FROM api.book_slot('swap', %s, %s::jsonb, p_resource => %s)",
                             (at, '{"name": "S", "email": "s@example.com"}', room)).fetchone()[0]  # type: ignore[index]
                for at in starts] for room in rooms]

    def move(conn: psycopg.Connection, i: int) -> None:
        room, slot = divmod(i, 2)
        conn.execute("SELECT api.reschedule_booking(%s, %s, NULL, %s)",
                     (ids[room][slot], starts[1 - slot], rooms[room]))

    for _ in range(10):
        assert race(db_url, 2 * SWAP_ROOMS, move) == {"RB409": 2 * SWAP_ROOMS}
