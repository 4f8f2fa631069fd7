"""Live benchmark: commit -> WebSocket delivery latency with 1,000 subscribed clients.

The edge runs as its own process (`booker serve`) against a fresh demo database; this
process holds 1,000 WebSocket clients subscribed to `service:meeting-room` and commits
bookings and cancellations of that service over SQL, one every 100 ms. For every
(change, client) pair the latency is the time from just before COMMIT to the moment the
client's `slot.changed` message was read. The clients are minimal protocol objects (no
client library), but they share the machine's cores with the edge and PostgreSQL, so the
figure includes their reading time; "first of those clients" is the edge's own path
(NOTIFY -> enrich -> fan-out) without most of that.

    BENCH_LIVE_CLIENTS, BENCH_LIVE_CHANGES, BENCH_LIVE_GAP override the defaults below.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import time
from typing import Any

import psycopg

from bench.harness import BenchContext, Row, edge_process, percentile, raise_fd_limit

CLIENTS = int(os.environ.get("BENCH_LIVE_CLIENTS", "1000"))
CHANGES = int(os.environ.get("BENCH_LIVE_CHANGES", "40"))  # measured commits (bookings, cancellations)
WARMUP = 4
GAP = float(os.environ.get("BENCH_LIVE_GAP", "0.1"))  # seconds between commits
SERVICE = "meeting-room"
ATTENDEE = json.dumps({"name": "Bench Live", "email": "live@example.com"})


def run(ctx: BenchContext) -> list[Row]:
    return asyncio.run(_run(ctx))


async def _run(ctx: BenchContext) -> list[Row]:
    raise_fd_limit(CLIENTS * 2 + 512)  # inherited by the edge process too
    owner = ctx.new_database()
    async with edge_process(ctx.app_url(owner)) as base:
        return await _measure(int(base.rsplit(":", 1)[1]), owner)


async def _measure(port: int, owner: str) -> list[Row]:
    received: list[tuple[int, float]] = []  # (seq, monotonic time read)
    loop = asyncio.get_running_loop()
    clients: list[_Client] = []
    for i in range(0, CLIENTS, 100):
        batch = [_Client(received) for _ in range(min(100, CLIENTS - i))]
        await asyncio.gather(*(loop.create_connection(lambda c=c: c, "127.0.0.1", port) for c in batch))
        await asyncio.wait_for(asyncio.gather(*(c.subscribed for c in batch)), 30)
        clients += batch

    commits: dict[int, float] = {}
    async with await psycopg.AsyncConnection.connect(owner, autocommit=True) as conn:
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
                started = time.monotonic()  # leaving the block commits
            if i >= WARMUP:
                commits[seq_row[0]] = started
            await asyncio.sleep(GAP)
    expected = len(commits) * CLIENTS
    deadline = time.monotonic() + 10
    # polling is fine here: a bench waiting (at most 10 s) for stragglers
    while time.monotonic() < deadline and sum(1 for seq, _ in received if seq in commits) < expected:  # noqa: ASYNC110
        await asyncio.sleep(0.1)
    for c in clients:
        c.close()

    latencies = [t - commits[seq] for seq, t in received if seq in commits]
    first: dict[int, float] = {}
    for seq, t in received:
        if seq in commits:
            first[seq] = min(first.get(seq, t), t)
    firsts = [t - commits[seq] for seq, t in first.items()]
    def ms(values: list[float], p: float) -> str:
        return f"{percentile(values, p) * 1000:.1f} ms"

    scenario = f"commit → WebSocket delivery, {CLIENTS:,} clients"
    return [
        (f"{scenario}: p50", ms(latencies, 50), ""),
        (f"{scenario}: p99", ms(latencies, 99), "p99 < 100 ms"),
        (f"{scenario}: delivered", f"{len(latencies):,} of {expected:,} messages", "all"),
        ("commit → first of those clients: p50 / p99", f"{ms(firsts, 50)} / {ms(firsts, 99)}", ""),
        # figures from a busy machine are not comparable with those from an idle one
        ("load average (1 min) after the live run", f"{os.getloadavg()[0]:.1f}, {os.cpu_count()} cores", ""),
    ]


class _Client(asyncio.Protocol):
    """A minimal WebSocket client (handshake, masked subscribe frame, frame parser), so that
    1,000 of them cost little and the figure measures the edge rather than a client library."""

    def __init__(self, out: list[tuple[int, float]]) -> None:
        self.out = out
        self.buf = b""
        self.upgraded = False
        self.transport: asyncio.Transport | None = None
        self.subscribed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.write(
            b"GET /api/v1/live HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")

    def send(self, opcode: int, payload: bytes) -> None:
        assert self.transport is not None and len(payload) < 126
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.transport.write(bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked)

    def data_received(self, data: bytes) -> None:
        now = time.monotonic()
        self.buf += data
        if not self.upgraded:
            head, sep, rest = self.buf.partition(b"\r\n\r\n")
            if not sep:
                return
            if b" 101 " not in head.split(b"\r\n", 1)[0]:
                self.subscribed.set_exception(RuntimeError(head.decode(errors="replace")))
                return
            self.upgraded, self.buf = True, rest
            self.send(0x1, json.dumps({"op": "subscribe", "topics": [f"service:{SERVICE}"]}).encode())
        while len(self.buf) >= 2:
            n, at = self.buf[1] & 0x7F, 2
            if n == 126:
                n, at = int.from_bytes(self.buf[2:4], "big"), 4
            elif n == 127:
                n, at = int.from_bytes(self.buf[2:10], "big"), 10
            if len(self.buf) < at + n:
                return
            opcode, payload, self.buf = self.buf[0] & 0x0F, self.buf[at:at + n], self.buf[at + n:]
            if opcode == 0x9:
                self.send(0xA, payload)
            elif opcode == 0x1:
                message: dict[str, Any] = json.loads(payload)
                if message["type"] == "slot.changed":
                    self.out.append((message["seq"], now))
                elif message["type"] == "subscribed" and not self.subscribed.done():
                    self.subscribed.set_result(None)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


async def _free_slot(conn: psycopg.AsyncConnection[Any]) -> dt.datetime:
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    cur = await conn.execute("SELECT starts_at FROM api.available_slots(%s, %s, %s) ORDER BY 1 LIMIT 1",
                             (SERVICE, start, start + dt.timedelta(days=14)))
    row = await cur.fetchone()
    assert row
    return row[0]
