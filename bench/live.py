"""Live benchmark: commit -> WebSocket delivery latency with 1,000 subscribed clients.

The edge runs as its own process (`booker serve`) against a fresh demo database; this
process holds 1,000 WebSocket clients subscribed to `service:meeting-room` and commits
bookings and cancellations of that service over SQL, one every 100 ms. For every
(change, client) pair the latency is the time from just before COMMIT to the moment the
client's `slot.changed` message was read. Clients and edge share the machine's cores,
so the figure includes the clients' own reading time.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import psycopg

from bench.harness import BenchContext, Row, free_port, percentile

CLIENTS = 1000
CHANGES = 40  # measured commits (half bookings, half cancellations)
WARMUP = 4
GAP = 0.1  # seconds between commits
SERVICE = "meeting-room"
ATTENDEE = json.dumps({"name": "Bench Live", "email": "live@example.com"})


def run(ctx: BenchContext) -> list[Row]:
    return asyncio.run(_run(ctx))


def _raise_fd_limit(need: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < need:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(need, hard), hard))


async def _run(ctx: BenchContext) -> list[Row]:
    _raise_fd_limit(CLIENTS * 2 + 512)  # inherited by the edge process too
    owner = ctx.new_database()
    port = free_port()
    env = {**os.environ, "DATABASE_URL": ctx.app_url(owner), "BOOKER_ENV": "development",
           "BOOKER_LOG_LEVEL": "warning", "BOOKER_HOST": "127.0.0.1", "BOOKER_PORT": str(port)}
    booker = str(Path(sys.executable).with_name("booker"))
    edge = await asyncio.create_subprocess_exec(
        booker, "serve", "--host", "127.0.0.1", "--port", str(port), env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        await _wait_healthy(base)
        return await _measure(base, owner)
    finally:
        edge.terminate()
        try:
            await asyncio.wait_for(edge.wait(), 15)
        except TimeoutError:
            edge.kill()
            await edge.wait()


async def _wait_healthy(base: str) -> None:
    deadline = time.monotonic() + 30
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                async with session.get(f"{base}/health") as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the edge did not start within 30 s")
            await asyncio.sleep(0.2)


async def _measure(base: str, owner: str) -> list[Row]:
    received: list[tuple[int, float]] = []  # (seq, monotonic time read)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        sockets = []
        for i in range(0, CLIENTS, 100):
            batch = min(100, CLIENTS - i)
            sockets += await asyncio.gather(*(_subscribe(session, base) for _ in range(batch)))
        last: int | None = None  # the seq of the last measured change, once known
        readers = [asyncio.create_task(_read(ws, received, lambda: last)) for ws in sockets]

        commits: dict[int, float] = {}
        async with await psycopg.AsyncConnection.connect(owner) as conn:
            slot = await _free_slot(conn)
            booking = None
            for i in range(WARMUP + CHANGES):
                async with conn.transaction():
                    if booking is None:
                        cur = await conn.execute("SELECT id FROM api.book_slot(%s, %s, %s::jsonb)",
                                                 (SERVICE, slot, ATTENDEE))
                    else:
                        cur = await conn.execute("SELECT id FROM api.cancel_booking(%s, NULL)", (booking,))
                    row = await cur.fetchone()
                    assert row
                    cur = await conn.execute(
                        "SELECT max(id) FROM booking.booking_audit WHERE booking_id = %s", (row[0],))
                    seq_row = await cur.fetchone()
                    assert seq_row
                    booking = row[0] if booking is None else None
                    if i == WARMUP + CHANGES - 1:
                        last = seq_row[0]
                    started = time.monotonic()  # leaving the block commits
                if i >= WARMUP:
                    commits[seq_row[0]] = started
                await asyncio.sleep(GAP)
        expected = len(commits) * CLIENTS
        await asyncio.wait(readers, timeout=10)  # each reader ends at the last measured change
        for task in readers:
            task.cancel()
        await asyncio.gather(*readers, return_exceptions=True)
        await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)

    latencies = [t - commits[seq] for seq, t in received if seq in commits]
    p50, p99 = percentile(latencies, 50) * 1000, percentile(latencies, 99) * 1000
    scenario = f"commit → WebSocket delivery, {CLIENTS:,} clients"
    return [
        (f"{scenario}: p50", f"{p50:.1f} ms", ""),
        (f"{scenario}: p99", f"{p99:.1f} ms", "p99 < 100 ms"),
        (f"{scenario}: delivered", f"{len(latencies):,} of {expected:,} messages", "all"),
    ]


async def _subscribe(session: aiohttp.ClientSession, base: str) -> aiohttp.ClientWebSocketResponse:
    ws = await session.ws_connect(f"{base}/api/v1/live", heartbeat=None, autoping=True)
    await ws.send_json({"op": "subscribe", "topics": [f"service:{SERVICE}"]})
    while True:
        msg = json.loads((await ws.receive(timeout=30)).data)
        if msg["type"] == "subscribed":
            return ws


async def _read(ws: aiohttp.ClientWebSocketResponse, out: list[tuple[int, float]],
                last: Callable[[], int | None]) -> None:
    """Record (seq, time read) of every slot.changed until the last measured seq arrives."""
    async for msg in ws:
        if msg.type is not aiohttp.WSMsgType.TEXT:
            break
        now = time.monotonic()
        data: dict[str, Any] = json.loads(msg.data)
        if data.get("type") == "slot.changed":
            out.append((data["seq"], now))
            if data["seq"] == last():
                return


async def _free_slot(conn: psycopg.AsyncConnection[Any]) -> dt.datetime:
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    cur = await conn.execute("SELECT starts_at FROM api.available_slots(%s, %s, %s) ORDER BY 1 LIMIT 1",
                             (SERVICE, start, start + dt.timedelta(days=14)))
    row = await cur.fetchone()
    assert row
    return row[0]
