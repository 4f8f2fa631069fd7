"""Outbox drain throughput (issue 4): 10,000 queued emails sent by `booker worker`
processes (one, then two) to the development SMTP sink (`booker mail-sink`, saving each
message as an .eml file), each in its own process as in production. The clock starts
when the rows commit (the workers are idle, woken by NOTIFY) and stops when the last
row is marked sent; the sink's file count confirms that nothing was sent twice.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

from bench.harness import BenchContext, Row, free_port
from booker import ROOT

WORKER_ARGS = os.environ.get("BENCH_OUTBOX_WORKER_ARGS", "").split()  # e.g. "--concurrency 8"
ROWS = int(os.environ.get("BENCH_OUTBOX_ROWS", "10000"))  # smaller for a quick look
TARGET = "≥ 200 emails/s"
LISTENERS = """SELECT count(*) FROM pg_stat_activity
                WHERE application_name = 'booker-worker-listen' AND query = 'LISTEN notification_ready'"""


def _booker(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "booker.cli", *args],
        env=env,
        cwd=str(ROOT),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait_for(check: object, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc), 0 when unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _queue(conn: psycopg.Connection) -> None:
    """Replace the outbox by ROWS rows about the one booking (customer and provider
    notices alternately, each to its own address), in one transaction."""
    with conn.transaction():
        conn.execute("""
            CREATE TEMPORARY TABLE template ON COMMIT DROP AS
            SELECT booking_id, payload FROM booking.notification_log ORDER BY id LIMIT 1""")
        conn.execute("DELETE FROM booking.notification_log")
        conn.execute(
            """
            INSERT INTO booking.notification_log (booking_id, kind, recipient, payload, message_id)
            SELECT t.booking_id, CASE WHEN g %% 2 = 0 THEN 'customer_confirmed' ELSE 'provider_new' END,
                   'reader' || g || '@bench.test', t.payload, '<bench-' || gen_random_uuid() || '@booker>'
              FROM template t, generate_series(1, %s) AS g""",
            (ROWS,),
        )


def _drain(ctx: BenchContext, owner_url: str, workers: int) -> tuple[float, int, float, float]:
    """Emails per second for ROWS rows with `workers` worker processes, the sink's count,
    and the CPU milliseconds per email of the workers and of the sink."""
    mail_dir = Path(tempfile.mkdtemp(prefix="booker-bench-mail-"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "BOOKER_", "DATABASE_URL"))}
    env.update(
        DATABASE_URL=ctx.app_url(owner_url),
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(port),
        BOOKER_MAIL_DIR=str(mail_dir),
        BOOKER_LOG_LEVEL="warning",
        PYTHONPATH=str(ROOT),
    )
    procs: list[subprocess.Popen[bytes]] = []
    try:
        with psycopg.connect(owner_url, autocommit=True) as conn:
            sink = _booker(["mail-sink", "--port", str(port), "--dir", str(mail_dir)], env)
            procs.append(sink)
            _wait_for(lambda: _port_open(port), "the mail sink")
            for i in range(workers):
                procs.append(_booker(["worker", "--worker-id", f"bench-{i}", *WORKER_ARGS], env))

            def listening() -> bool:
                row = conn.execute(LISTENERS).fetchone()
                return bool(row and row[0] == workers)

            _wait_for(listening, "the workers")
            cpu_before = [_cpu_seconds(p.pid) for p in procs]
            _queue(conn)
            started = time.perf_counter()

            def drained() -> bool:
                row = conn.execute(
                    "SELECT count(*) FROM booking.notification_log WHERE status = 'sent'"
                ).fetchone()
                for p in procs:
                    if p.poll() is not None:
                        err = p.stderr.read().decode()[-500:] if p.stderr else ""
                        raise RuntimeError(f"{p.args[3]} exited with {p.returncode}: {err}")
                return bool(row and row[0] == ROWS)

            _wait_for(drained, "the drain", timeout=600)
            elapsed = time.perf_counter() - started
            cpu = [_cpu_seconds(p.pid) - before for p, before in zip(procs, cpu_before, strict=True)]
        per_email = 1000 / ROWS
        return ROWS / elapsed, len(list(mail_dir.glob("*.eml"))), sum(cpu[1:]) * per_email, cpu[0] * per_email
    finally:
        for p in reversed(procs):
            _stop(p)
        shutil.rmtree(mail_dir, ignore_errors=True)


def run(ctx: BenchContext) -> list[Row]:
    owner_url = ctx.new_database()
    with psycopg.connect(owner_url, autocommit=True) as conn:
        slot = conn.execute(
            "SELECT starts_at FROM api.available_slots('consultation', now(), "
            "now() + interval '14 days') LIMIT 1"
        ).fetchone()
        assert slot is not None
        conn.execute(
            "SELECT api.book_slot('consultation', %s, %s::jsonb)",
            (slot[0], '{"name": "Bench Reader", "email": "b@bench.test"}'),
        )
        # its two emails serve as the template of the queued rows; they are not sent themselves
        conn.execute("UPDATE booking.notification_log SET status = 'sent', sent_at = now()")
    rows: list[Row] = []
    for workers in (1, 2):
        rate, saved, worker_ms, sink_ms = _drain(ctx, owner_url, workers)
        note = "" if saved == ROWS else f" ({saved - ROWS:+d} at the sink!)"
        rows.append(
            (
                f"outbox drain to the local SMTP sink, {ROWS:,} emails, {workers} worker(s)",
                f"{rate:,.0f} emails/s{note}",
                TARGET,
            )
        )
        rows.append(
            (f"  CPU per email, {workers} worker(s)", f"worker {worker_ms:.1f} ms, sink {sink_ms:.1f} ms", "")
        )
    return rows
