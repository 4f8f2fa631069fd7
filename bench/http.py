"""HTTP benchmarks of the edge (issue 3), against `booker serve` as its own process:

* distinct-slot booking throughput over HTTP (POST /api/v1/bookings) and over SQL
  (api.book_slot) in the same run, with the same number of clients, and their ratio;
* 1,000 concurrent booking requests for one 2-seat slot: counts of 201/409/5xx and
  the seats the database holds;
* GET /services/{slug}/slots for 7 days with 100,000 existing bookings: p50/p95/p99
  at 200 requests/s offered (open loop: latency counts from the scheduled send time,
  so a slow server cannot hide its queue), and the maximum throughput at 50
  concurrent clients (closed loop).

The load generator runs in this process and shares the machine's cores with the edge
and PostgreSQL; compare figures within one run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import threading
import time
from collections import Counter

import aiohttp
import psycopg

from bench.harness import BenchContext, Row, edge_process, percentile, raise_fd_limit

CLIENTS = int(os.environ.get("BENCH_HTTP_CLIENTS", "8"))
BOOKINGS = int(os.environ.get("BENCH_HTTP_BOOKINGS", "800"))  # per transport, distinct slots
STORM = int(os.environ.get("BENCH_HTTP_STORM", "1000"))
EXISTING = int(os.environ.get("BENCH_HTTP_EXISTING", "100000"))
RATE = float(os.environ.get("BENCH_HTTP_RATE", "200"))
SECONDS = float(os.environ.get("BENCH_HTTP_SECONDS", "10"))
READERS = int(os.environ.get("BENCH_HTTP_READERS", "50"))
ATTENDEE = {"name": "Bench", "email": "bench@example.com"}
HOT_EVENTS = [(2000, 2000), (2, 1000)]  # (seats N, buyers K) of the hot event over HTTP
HOT_IN_FLIGHT = int(os.environ.get("BENCH_HTTP_HOT_IN_FLIGHT", "200"))  # C


def run(ctx: BenchContext) -> list[Row]:
    return asyncio.run(_run(ctx))


async def _run(ctx: BenchContext) -> list[Row]:
    raise_fd_limit(STORM * 2 + 512)
    owner = ctx.new_database()
    rooms = _setup_rooms(owner, "bench-http", CLIENTS) + _setup_rooms(owner, "bench-sql", CLIENTS)
    _load_existing(owner, EXISTING)
    pool = os.environ.get("BENCH_HTTP_POOL", "16")
    async with edge_process(ctx.app_url(owner), {"BOOKER_DB_POOL_SIZE": pool}) as base:
        rows: list[Row] = []
        rows += await _throughput(base, ctx.app_url(owner), rooms)
        rows += await _storm(base, owner)
        for seats, buyers in HOT_EVENTS:
            rows += await _hot_event(ctx, base, owner, seats, buyers, HOT_IN_FLIGHT)
        rows += await _slots(base)
        return rows


# -- set-up -----------------------------------------------------------------------------------------

def _setup_rooms(url: str, slug: str, rooms: int) -> list[tuple[str, str]]:
    """A public service of `rooms` capacity-1 rooms open around the clock, 15-minute slots."""
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "INSERT INTO booking.services (slug, name, duration_minutes, slot_step_minutes, max_advance_days)"
            " VALUES (%s, %s, 15, 15, 365) RETURNING id", (slug, slug)).fetchone()
        assert row
        out = []
        for i in range(rooms):
            res = conn.execute(
                "INSERT INTO booking.resources (slug, name, capacity, timezone) VALUES (%s, %s, 1, 'UTC')"
                " RETURNING id", (f"{slug}-{i}", f"{slug} {i}")).fetchone()
            assert res
            conn.execute("INSERT INTO booking.availability_rules (resource_id, weekday, start_time, end_time)"
                         " SELECT %s, d, '00:00', '24:00' FROM generate_series(1, 7) d", (res[0],))
            conn.execute("INSERT INTO booking.service_resources VALUES (%s, %s)", (row[0], res[0]))
            out.append((slug, f"{slug}-{i}"))
    return out


def _load_existing(url: str, count: int) -> None:
    """`count` confirmed bookings over 50 rooms (one every 4 hours per room, from 300 days ago),
    two of which deliver `bench-slots`, the service the slot queries read. Loaded in bulk
    with triggers off (session_replication_role = replica), so the derived columns are set here."""
    rooms = 50
    with psycopg.connect(url, autocommit=True) as conn:
        service = conn.execute(
            "INSERT INTO booking.services (slug, name, duration_minutes, slot_step_minutes, max_advance_days)"
            " VALUES ('bench-slots', 'Bench slots', 60, 30, 60) RETURNING id").fetchone()
        assert service
        conn.execute(
            """INSERT INTO booking.resources (slug, name, capacity, timezone)
               SELECT 'bench-room-' || i, 'Bench room ' || i, 1, 'Europe/Berlin'
                 FROM generate_series(0, %s) i""",
            (rooms - 1,))
        conn.execute(
            """INSERT INTO booking.availability_rules (resource_id, weekday, start_time, end_time)
               SELECT r.id, d, '08:00', '20:00' FROM booking.resources r, generate_series(1, 7) d
                WHERE r.slug LIKE 'bench-room-%'""")
        conn.execute("INSERT INTO booking.service_resources SELECT %s, id FROM booking.resources "
                     "WHERE slug IN ('bench-room-0', 'bench-room-1')", (service[0],))
        with conn.transaction():
            conn.execute("SET LOCAL session_replication_role = replica")
            conn.execute(
                """INSERT INTO booking.bookings
                       (reference, service_id, resource_id, status, starts_at, ends_at, blocked, seats,
                        attendee_name, attendee_email, price)
                   SELECT 'BK-B' || lpad(to_hex(n), 7, '0'), %(service)s, r.id, 'confirmed',
                          t.start, t.start + interval '1 hour',
                          tstzrange(t.start, t.start + interval '1 hour'),
                          '{[1,2)}', 'Existing', 'existing@example.com', 0
                     FROM (SELECT n, n %% %(rooms)s AS room, n / %(rooms)s AS k
                             FROM generate_series(0, %(count)s - 1) n) g
                     JOIN booking.resources r ON r.slug = 'bench-room-' || g.room
                    CROSS JOIN LATERAL (SELECT date_trunc('hour', now() - interval '300 days')
                                               + g.k * interval '4 hours' AS start) t""",
                {"service": service[0], "rooms": rooms, "count": count})
        conn.execute("ANALYZE booking.bookings")


def _tomorrow() -> dt.datetime:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)


# -- distinct-slot throughput -----------------------------------------------------------------------

def _slot_times(n: int) -> list[dt.datetime]:
    start = _tomorrow()
    return [start + dt.timedelta(minutes=15 * i) for i in range(n)]


def _sql_throughput(url: str, rooms: list[tuple[str, str]], per_client: int) -> tuple[float, int]:
    times = _slot_times(per_client)
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(rooms) + 1)
    attendee = json.dumps(ATTENDEE)

    def worker(service: str, room: str) -> None:
        try:
            with psycopg.connect(url, autocommit=True) as conn:
                rid = conn.execute("SELECT api.resource_id(%s)", (room,)).fetchone()  # booker_app: api only
                assert rid and rid[0]
                barrier.wait()
                for at in times:
                    conn.execute("SELECT id FROM api.book_slot(%s, %s, %s::jsonb, p_resource => %s)",
                                 (service, at, attendee, rid[0]))
        except BaseException as exc:  # reported as a count
            errors.append(exc)
            barrier.abort()  # a client that cannot start must not leave the others waiting

    threads = [threading.Thread(target=worker, args=room) for room in rooms]
    for t in threads:
        t.start()
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        for t in threads:
            t.join()
        raise RuntimeError(f"SQL clients could not start: {errors[0]!r}") from None
    started = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return (len(rooms) * per_client - len(errors)) / elapsed, len(errors)


async def _http_throughput(base: str, rooms: list[tuple[str, str]],
                           per_client: int) -> tuple[float, Counter[int]]:
    times = _slot_times(per_client)
    statuses: Counter[int] = Counter()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:

        async def client(service: str, room: str) -> None:
            for at in times:
                body = {"service": service, "resource": room, "starts_at": at.isoformat(),
                        "attendee": ATTENDEE}
                async with session.post(f"{base}/api/v1/bookings", json=body) as resp:
                    await resp.read()
                    statuses[resp.status] += 1

        started = time.perf_counter()
        await asyncio.gather(*(client(*room) for room in rooms))
        elapsed = time.perf_counter() - started
    return statuses[201] / elapsed, statuses


async def _throughput(base: str, app_url: str, rooms: list[tuple[str, str]]) -> list[Row]:
    per_client = max(1, BOOKINGS // CLIENTS)
    http_rooms = [r for r in rooms if r[0] == "bench-http"]
    sql_rooms = [r for r in rooms if r[0] == "bench-sql"]
    sql_rate, sql_errors = await asyncio.to_thread(_sql_throughput, app_url, sql_rooms, per_client)
    http_rate, statuses = await _http_throughput(base, http_rooms, per_client)
    scenario = f"distinct-slot bookings, {CLIENTS} clients"
    other = sum(n for s, n in statuses.items() if s != 201)
    return [
        (f"{scenario}: SQL api.book_slot", f"{sql_rate:,.0f} bookings/s ({sql_errors} errors)", ""),
        (f"{scenario}: HTTP POST /bookings", f"{http_rate:,.0f} bookings/s ({other} non-201)", ""),
        (f"{scenario}: HTTP / SQL", f"{100 * http_rate / sql_rate:.0f} %", "≥ 60 %"),
    ]


# -- 1,000 buyers, 2 seats ---------------------------------------------------------------------------

async def _storm(base: str, owner: str) -> list[Row]:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        async with session.get(f"{base}/api/v1/services/limited-concert") as resp:
            start = (await resp.json())["starts_at"]

        async def buy(i: int) -> int:
            body = {"service": "limited-concert", "starts_at": start,
                    "attendee": {"name": f"Fan {i}", "email": f"fan{i}@example.com"}}
            try:
                async with session.post(f"{base}/api/v1/bookings", json=body,
                                        timeout=aiohttp.ClientTimeout(total=120)) as r:
                    await r.read()
                    return r.status
            except (aiohttp.ClientError, TimeoutError):
                return 0

        started = time.perf_counter()
        statuses = Counter(await asyncio.gather(*(buy(i) for i in range(STORM))))
        elapsed = time.perf_counter() - started
    with psycopg.connect(owner) as conn:
        row = conn.execute(
            "SELECT coalesce(sum(b.seat_count), 0) FROM booking.bookings b JOIN booking.services s "
            "ON s.id = b.service_id WHERE s.slug = 'limited-concert' "
            "AND b.status IN ('held', 'pending', 'confirmed')"
        ).fetchone()
    seats = row[0] if row else 0
    five = sum(n for s, n in statuses.items() if s >= 500)
    other = sum(n for s, n in statuses.items() if s not in (201, 409) and s < 500)
    figure = (f"{statuses[201]} x 201, {statuses[409]} x 409, {five} x 5xx"
              f"{f', {other} other' if other else ''}; DB holds {seats} in {elapsed:.1f} s")
    return [(f"{STORM:,} concurrent HTTP bookings, one 2-seat slot", figure,
             "2 x 201, 998 x 409, 0 x 5xx; DB holds 2")]


# -- the hot event: N seats, K buyers, C in flight -----------------------------------------------------

async def _hot_event(ctx: BenchContext, base: str, owner: str, seats: int, buyers: int,
                     in_flight: int) -> list[Row]:
    """K buyers of one seat each, at most C requests in flight (the peer comparison's shape):
    sell-out time, bookings/s, latency, counts by status, and the database check."""
    slug = f"hot-event-{seats}-{buyers}"
    with psycopg.connect(owner, autocommit=True) as conn:
        start = conn.execute(
            """WITH s AS (
                   INSERT INTO booking.services
                       (slug, name, duration_minutes, slot_step_minutes, fixed_window)
                   VALUES (%(slug)s, %(slug)s, 120, 120,
                           tstzrange(date_trunc('day', now()) + interval '5 days 19 hours',
                                     date_trunc('day', now()) + interval '5 days 21 hours'))
                   RETURNING id, lower(fixed_window) AS start),
               r AS (
                   INSERT INTO booking.resources (slug, name, kind, capacity, timezone)
                   VALUES (%(slug)s, %(slug)s, 'venue', %(seats)s, 'UTC') RETURNING id),
               l AS (INSERT INTO booking.service_resources SELECT s.id, r.id FROM s, r)
               SELECT start FROM s""", {"slug": slug, "seats": seats}).fetchone()[0]  # type: ignore[index]
    gate = asyncio.Semaphore(in_flight)
    latencies: list[float] = []
    sold_at: list[float] = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:

        async def buy(i: int) -> int:
            body = {"service": slug, "starts_at": start.isoformat(),
                    "attendee": {"name": f"Buyer {i}", "email": f"buyer{i}@example.com"}}
            async with gate:
                asked = time.perf_counter()
                try:
                    async with session.post(f"{base}/api/v1/bookings", json=body,
                                            timeout=aiohttp.ClientTimeout(total=120)) as r:
                        await r.read()
                        status = r.status
                except (aiohttp.ClientError, TimeoutError):
                    status = 0
                now = time.perf_counter()
                latencies.append(now - asked)
                if status == 201:
                    sold_at.append(now)
                return status

        started = time.perf_counter()
        statuses = Counter(await asyncio.gather(*(buy(i) for i in range(buyers))))
        elapsed = time.perf_counter() - started
    load = os.getloadavg()[0]
    with psycopg.connect(owner) as conn:
        held, twice = conn.execute(
            """SELECT coalesce(sum(b.seat_count), 0),
                      (SELECT count(*) FROM booking.bookings a JOIN booking.bookings c
                          ON a.resource_id = c.resource_id AND a.id < c.id AND a.seats && c.seats
                         AND a.blocked && c.blocked
                       WHERE a.resource_id = r.id AND a.status IN ('held', 'pending', 'confirmed')
                         AND c.status IN ('held', 'pending', 'confirmed'))
                 FROM booking.resources r
                 LEFT JOIN booking.bookings b
                   ON b.resource_id = r.id AND b.status IN ('held', 'pending', 'confirmed')
                WHERE r.slug = %s GROUP BY r.id""", (slug,)).fetchone()  # type: ignore[misc]
    sell_out = (max(sold_at) - started) if sold_at else elapsed
    rate = statuses[201] / sell_out if sell_out else 0.0
    ms = [x * 1000 for x in latencies]
    counts = ", ".join(f"{n} x {s or 'no answer'}" for s, n in sorted(statuses.items()))
    expect = min(seats, buyers)
    scenario = f"hot event over HTTP: N={seats:,} seats, K={buyers:,} buyers, C={in_flight} in flight"
    rows = [
        (f"{scenario}: sell-out, rate, p50 / p99",
         f"{sell_out:.2f} s, {rate:,.0f} bookings/s, {percentile(ms, 50):.0f} / {percentile(ms, 99):.0f} ms"
         f" (load {load:.1f})",
         "≥ 500 bookings/s, p99 < 1 s" if seats >= 2000 else ""),
        (f"{scenario}: statuses; DB seats held / held twice", f"{counts}; {held} / {twice}",
         f"{expect:,} x 201{f', {buyers - expect:,} x 409' if buyers > expect else ''}; {expect} / 0"),
    ]
    if statuses[201] != expect or statuses[409] != buyers - expect or held != expect or twice:
        ctx.fail(f"{scenario}: {rows[-1][1]}")
    return rows


# -- slot queries ----------------------------------------------------------------------------------------

def _slots_url(base: str) -> str:
    start = _tomorrow()
    end = start + dt.timedelta(days=7)
    return (f"{base}/api/v1/services/bench-slots/slots?from={start.isoformat().replace('+', '%2B')}"
            f"&to={end.isoformat().replace('+', '%2B')}")


async def _slots(base: str) -> list[Row]:
    url = _slots_url(base)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        async with session.get(url) as resp:  # warm-up, and a sanity check
            body = await resp.json()
            assert resp.status == 200 and body["slots"], body
        for _ in range(20):
            async with session.get(url) as resp:
                await resp.read()

        # open loop: request i is due at t0 + i / RATE whatever happened before
        latencies: list[float] = []
        failures = 0
        total = int(RATE * SECONDS)

        async def one(due: float) -> None:
            nonlocal failures
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            try:
                async with session.get(url) as resp:
                    await resp.read()
                    if resp.status != 200:
                        failures += 1
            except aiohttp.ClientError:
                failures += 1
            latencies.append(time.perf_counter() - due)

        t0 = time.perf_counter() + 0.05
        await asyncio.gather(*(one(t0 + i / RATE) for i in range(total)))
        offered_for = time.perf_counter() - t0
        load = os.getloadavg()[0]  # the machine is shared: say how busy it was

        # closed loop: READERS clients, each sends its next request when the last one is answered
        done = 0
        stop_at = time.perf_counter() + SECONDS

        async def reader() -> None:
            nonlocal done
            while time.perf_counter() < stop_at:
                async with session.get(url) as resp:
                    await resp.read()
                    done += resp.status == 200

        started = time.perf_counter()
        await asyncio.gather(*(reader() for _ in range(READERS)))
        throughput = done / (time.perf_counter() - started)

    ms = [x * 1000 for x in latencies]
    scenario = f"GET /services/{{slug}}/slots, 7 days, {EXISTING:,} bookings"
    return [
        (f"{scenario}: {RATE:.0f} req/s offered, p50 / p95 / p99",
         f"{percentile(ms, 50):.1f} / {percentile(ms, 95):.1f} / {percentile(ms, 99):.1f} ms"
         f" ({failures} errors, {total / offered_for:.0f} req/s done, load {load:.1f})", "p95 < 25 ms"),
        (f"{scenario}: max throughput, {READERS} clients", f"{throughput:,.0f} req/s", "report"),
    ]
