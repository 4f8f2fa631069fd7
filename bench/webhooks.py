"""Webhook delivery throughput (issue 16): ROWS queued deliveries (one per booking, so
per-booking order does not serialise them) POSTed by one `booker worker` process to a
local aiohttp receiver in its own process, which checks every signature. The clock
starts when the rows commit (the worker is idle, woken by NOTIFY webhook_ready) and stops
when the last delivery is recorded delivered; the receiver's count confirms nothing was
lost or sent twice and that every signature verified.

    python -m bench --only webhooks          (BENCH_WEBHOOK_ROWS=1000 for a quick look)
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import psycopg

from bench.harness import BenchContext, Row, free_port
from booker import ROOT

ROWS = int(os.environ.get("BENCH_WEBHOOK_ROWS", "5000"))
TARGET_RATE = 200
TARGET = f"≥ {TARGET_RATE} deliveries/s"
SECRET = "bench-webhook-secret-0123456789"
LISTENING = """SELECT count(*) FROM pg_stat_activity
                WHERE application_name = 'booker-webhooks-listen' AND query = 'LISTEN webhook_ready'"""


def _wait_for(check: object, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _queue(conn: psycopg.Connection, endpoint: str) -> None:
    """ROWS confirmed bookings on a bench venue (inserted directly, before the endpoint is
    active, so they queue nothing), then one delivery each, committed at once."""
    with conn.transaction():
        conn.execute("""
            INSERT INTO booking.resources (slug, name, kind, capacity, timezone)
            VALUES ('bench-webhook-hall', 'Bench hall', 'venue', 100000, 'UTC')""")
        conn.execute(
            """
            INSERT INTO booking.bookings (reference, service_id, resource_id, status, starts_at, ends_at,
                                          seats, attendee_name, attendee_email)
            SELECT 'BK-HOOK-' || g, (SELECT id FROM booking.services WHERE slug = 'workshop'),
                   (SELECT id FROM booking.resources WHERE slug = 'bench-webhook-hall'), 'confirmed',
                   date_trunc('day', now()) + interval '30 days',
                   date_trunc('day', now()) + interval '30 days 1 hour',
                   int4multirange(int4range(g, g + 1)), 'Bench ' || g, 'hook' || g || '@bench.test'
              FROM generate_series(1, %s) g""",
            (ROWS,),
        )
        conn.execute("DELETE FROM booking.notification_log")  # their emails are not this bench's
    with conn.transaction():
        conn.execute("UPDATE booking.webhook_endpoints SET active = true WHERE id = %s", (endpoint,))
        conn.execute(
            """
            INSERT INTO booking.webhook_deliveries
                   (endpoint_id, booking_id, event, event_id, payload, max_attempts)
            SELECT %s, b.id, 'booking.created', x.id,
                   jsonb_build_object('id', x.id, 'type', 'booking.created', 'created_at', now(),
                                      'data', jsonb_build_object('booking', api.booking_json(b, true))), 8
              FROM booking.bookings b CROSS JOIN LATERAL (SELECT gen_random_uuid() AS id) x
             WHERE b.reference LIKE 'BK-HOOK-%%'""",
            (endpoint,),
        )


def _alive(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        if p.poll() is not None:
            raise RuntimeError(f"{p.args} exited with {p.returncode}")


def _receiver_count(port: int) -> tuple[int, int]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/count", timeout=5) as resp:
        good, bad = resp.read().decode().split()
    return int(good), int(bad)


def run(ctx: BenchContext) -> list[Row]:
    owner_url = ctx.new_database()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "BOOKER_", "DATABASE_URL"))}
    env.update(DATABASE_URL=ctx.app_url(owner_url), SMTP_HOST="127.0.0.1", SMTP_PORT=str(free_port()),
               BOOKER_LOG_LEVEL="warning", BOOKER_WEBHOOK_ALLOW_PRIVATE="true", PYTHONPATH=str(ROOT))
    procs: list[subprocess.Popen[bytes]] = []
    try:
        with psycopg.connect(owner_url, autocommit=True) as conn:
            row = conn.execute(
                "INSERT INTO booking.webhook_endpoints (url, secret, events, active) "
                "VALUES (%s, %s, ARRAY['booking.created'], false) RETURNING id",
                (f"http://127.0.0.1:{port}/hook", SECRET)).fetchone()
            assert row
            procs.append(subprocess.Popen([sys.executable, "-m", "bench.webhooks", "receive", str(port)],
                                          env=env, cwd=str(ROOT), stdout=subprocess.DEVNULL,
                                          stderr=None))  # never a pipe nobody reads: a full one blocks
            _wait_for(lambda: _port_open(port), "the receiver")
            worker = [sys.executable, "-m", "booker.cli", "worker", "--worker-id", "bench"]
            procs.append(subprocess.Popen(worker,
                                          env=env, cwd=str(ROOT), stdout=subprocess.DEVNULL,
                                          stderr=None))  # never a pipe nobody reads: a full one blocks

            def listening() -> bool:
                _alive(procs)
                r = conn.execute(LISTENING).fetchone()
                return bool(r and r[0] == 1)

            _wait_for(listening, "the worker")
            _queue(conn, str(row[0]))
            started = time.perf_counter()

            def delivered() -> bool:
                _alive(procs)
                r = conn.execute("SELECT count(*) FROM booking.webhook_deliveries WHERE status = 'delivered'"
                                 ).fetchone()
                return bool(r and r[0] == ROWS)

            _wait_for(delivered, "the deliveries", timeout=600)
            rate = ROWS / (time.perf_counter() - started)
            good, bad = _receiver_count(port)
    finally:
        for p in reversed(procs):
            _stop(p)
    note = "" if (good, bad) == (ROWS, 0) else f" (receiver: {good} verified, {bad} bad signatures!)"
    if note or rate < TARGET_RATE:
        ctx.fail(f"webhooks: {rate:.0f} deliveries/s{note}")
    return [(f"webhook deliveries to a local receiver, {ROWS:,} events, 1 worker",
             f"{rate:,.0f} deliveries/s{note}", TARGET)]


def receive(port: int) -> None:
    """The receiver process: verifies each signature, answers 204, counts on GET /count."""
    from aiohttp import web

    from worker.webhooks import SIGNATURE_HEADER, verify

    counts = {"good": 0, "bad": 0}

    async def hook(request: web.Request) -> web.Response:
        body = await request.read()
        counts["good" if verify(SECRET, request.headers.get(SIGNATURE_HEADER, ""), body) else "bad"] += 1
        return web.Response(status=204)

    async def count(request: web.Request) -> web.Response:
        return web.Response(text=f"{counts['good']} {counts['bad']}")

    app = web.Application()
    app.router.add_post("/hook", hook)
    app.router.add_get("/count", count)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


if __name__ == "__main__" and sys.argv[1:2] == ["receive"]:
    receive(int(sys.argv[2]))
