"""Beyond one machine (issue 15), on loopback with the real engines (tests/scale starts them):
a primary, a synchronous streaming standby and PgBouncer.

* GET /services/{slug}/slots at 50 concurrent clients (closed loop), the edge reading from the
  primary only, then from the standby (BOOKER_READ_DATABASE_URL) behind the lag guard, in the
  same run and on the same data;
* the failover gap: an edge on a multi-host DATABASE_URL (target_session_attrs=read-write)
  under a steady stream of bookings; the primary is killed (pg_ctl stop -m immediate) and the
  standby promoted: the longest time without a 201, and the 201s the new primary lacks (0).

Everything shares the machine's cores: on one machine a replica adds a second server's work
to the same CPUs, so the read row shows the guard's cost more than a replica's gain.
"""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import itertools
import os
import tempfile
import time
from pathlib import Path

import aiohttp

from bench.harness import BenchContext, Row, edge_process
from tests.scale.conftest import start_topology, stop_topology

READERS = int(os.environ.get("BENCH_SCALE_READERS", "50"))
SECONDS = float(os.environ.get("BENCH_SCALE_SECONDS", "8"))
BOOKERS = 4
ATTENDEE = {"name": "Bench", "email": "bench@example.com"}


def run(ctx: BenchContext) -> list[Row]:
    return asyncio.run(_run(ctx))


async def _run(ctx: BenchContext) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="booker-scale-") as root:
        topology = await asyncio.to_thread(start_topology, Path(root))
        try:
            rows = []
            primary = await _slots(topology.primary_url, {})
            replica = await _slots(topology.primary_url, {"BOOKER_READ_DATABASE_URL": topology.standby_url})
            load = os.getloadavg()[0]
            rows.append((f"GET /slots, {READERS} clients: primary only / primary + replica",
                         f"{primary:,.0f} / {replica:,.0f} req/s (load {load:.1f})", "report"))
            rows.append(await _failover(ctx, topology))
            return rows
        finally:
            stop_topology(topology)


def _window() -> str:
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=1)
    end = start + dt.timedelta(days=7)
    return f"from={start.isoformat().replace('+', '%2B')}&to={end.isoformat().replace('+', '%2B')}"


async def _slots(database_url: str, env: dict[str, str]) -> float:
    async with edge_process(database_url, {"BOOKER_DB_POOL_SIZE": "16", **env}) as base:
        url = f"{base}/api/v1/services/meeting-room/slots?{_window()}"
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
            for _ in range(20):
                async with session.get(url) as resp:
                    assert resp.status == 200, await resp.text()
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
            return done / (time.perf_counter() - started)


async def _failover(ctx: BenchContext, topology: object) -> Row:
    from tests.scale.conftest import Topology

    assert isinstance(topology, Topology)
    async with edge_process(topology.failover_url, {"BOOKER_DB_POOL_SIZE": "8"}) as base, \
            aiohttp.ClientSession() as session:
        slots: collections.deque[tuple[str, str]] = collections.deque()
        for room in ("room-berlin", "room-nyc"):
            start = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=1)
            async with session.get(f"{base}/api/v1/availability", params={
                    "service": "meeting-room", "resource": room, "from": start.isoformat(),
                    "to": (start + dt.timedelta(days=60)).isoformat()}) as resp:
                body = await resp.json()
            slots += [(room, s["starts_at"]) for r in body["resources"] for s in r["slots"]]
        results: list[tuple[float, int, str | None]] = []
        stop = asyncio.Event()

        async def booker() -> None:
            while not stop.is_set() and slots:
                room, starts_at = slots.popleft()
                try:
                    async with session.post(f"{base}/api/v1/bookings", json={
                            "service": "meeting-room", "starts_at": starts_at, "resource": room,
                            "attendee": ATTENDEE}) as resp:
                        body = await resp.json()
                        results.append((time.monotonic(), resp.status,
                                        body.get("reference") if resp.status == 201 else None))
                except aiohttp.ClientError:
                    results.append((time.monotonic(), 0, None))
                await asyncio.sleep(0.01)

        tasks = [asyncio.create_task(booker()) for _ in range(BOOKERS)]
        await asyncio.sleep(2)
        await asyncio.to_thread(topology.primary._ctl, "-m", "immediate", "-w", "stop")
        await asyncio.to_thread(topology.standby.promote)
        await asyncio.sleep(5)  # the stream goes on: the gap is measured from the 201s
        stop.set()
        await asyncio.gather(*tasks)
    ok = sorted(t for t, s, _ in results if s == 201)
    gap = max((b - a for a, b in itertools.pairwise(ok)), default=float("inf"))
    statuses = collections.Counter(s for _, s, _ in results)
    with topology.owner(topology.standby.port) as new:
        stored = {r[0] for r in new.execute("SELECT reference FROM booking.bookings")}
    lost = len({ref for _, s, ref in results if s == 201} - stored)
    if lost or statuses[500]:
        ctx.fail(f"failover: {lost} confirmed bookings lost, {statuses[500]} x 500")
    load = os.getloadavg()[0]
    return ("failover gap (primary killed, standby promoted, bookings at 4 clients)",
            f"{gap:.2f} s without a 201; {len(results)} bookings, {statuses[201]} x 201, "
            f"{statuses[503]} x 503, {statuses[500]} x 500, {lost} 201s lost (load {load:.1f})",
            "no 201 lost, < 10 s")
