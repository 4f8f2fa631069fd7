"""The failure matrix: SMTP down, 4xx and 5xx replies, a worker killed between send and
mark, SIGTERM with a message in flight, two workers on one outbox, NOTIFY wake-ups."""

from __future__ import annotations

import asyncio
import collections
import os
import signal
import sys
from typing import Any

import psycopg
import pytest
from aiosmtpd.smtp import Envelope

from booker import ROOT
from tests.worker.conftest import (
    GUEST,
    MAIL_FROM,
    PUBLIC_URL,
    RecordingSink,
    SinkServer,
    book,
    eventually,
    free_port,
    make_worker,
    outbox,
    running,
    slots,
)


def first_booking(owner: psycopg.Connection[Any]) -> dict[str, Any]:
    return book(owner, "consultation", slots(owner, "consultation")[0]["starts_at"])


def by_kind(owner: psycopg.Connection[Any]) -> dict[str, dict[str, Any]]:
    return {r["kind"]: r for r in outbox(owner)}


async def test_smtp_down_then_up_delivers_after_retries(
    owner: psycopg.Connection[Any], app_db_url: str
) -> None:
    port = free_port()  # nothing listens here yet: connection refused
    first_booking(owner)
    owner.execute("UPDATE booking.notification_log SET max_attempts = 50")
    async with running(make_worker(app_db_url, port)):
        await eventually(
            lambda: all(r["attempts"] >= 2 and r["status"] == "pending" for r in outbox(owner)),
            what="failed attempts while SMTP is down",
        )
        assert all("SMTP connection" in r["last_error"] for r in outbox(owner))
        sink = SinkServer(RecordingSink(), port)
        await sink.start()
        try:
            await eventually(lambda: all(r["status"] == "sent" for r in outbox(owner)), what="delivery")
        finally:
            await sink.stop()
    assert len(sink.handler.received) == 2
    assert all(r["attempts"] >= 3 for r in outbox(owner))


async def test_a_4xx_reply_is_retried(
    owner: psycopg.Connection[Any], app_db_url: str, sink: SinkServer
) -> None:
    refusals = {"rcpt": 0, "data": 0}

    def busy_mailbox(address: str) -> str | None:
        if address == GUEST["email"] and refusals["rcpt"] == 0:
            refusals["rcpt"] += 1
            return "450 4.2.1 Mailbox busy, try again later"
        return None

    async def busy_server(envelope: Envelope) -> str | None:
        if GUEST["email"] not in envelope.rcpt_tos and refusals["data"] == 0:
            refusals["data"] += 1
            return "451 4.3.0 Local error in processing"
        return None

    sink.handler.rcpt_hook = busy_mailbox
    sink.handler.data_hook = busy_server
    first_booking(owner)
    async with running(make_worker(app_db_url, sink.port)):
        await eventually(lambda: all(r["status"] == "sent" for r in outbox(owner)), what="delivery")
    rows = by_kind(owner)
    assert rows["customer_confirmed"]["attempts"] == 2 and "450" in rows["customer_confirmed"]["last_error"]
    assert rows["provider_new"]["attempts"] == 2 and "451" in rows["provider_new"]["last_error"]
    assert len(sink.handler.received) == 2 and len(sink.handler.refused) == 2


async def test_a_4xx_until_max_attempts_fails(
    owner: psycopg.Connection[Any], app_db_url: str, sink: SinkServer
) -> None:
    sink.handler.rcpt_hook = lambda address: "452 4.2.2 Mailbox full" if address == GUEST["email"] else None
    first_booking(owner)
    owner.execute("UPDATE booking.notification_log SET max_attempts = 3")
    async with running(make_worker(app_db_url, sink.port)):
        await eventually(lambda: by_kind(owner)["customer_confirmed"]["status"] == "failed", what="failure")
    row = by_kind(owner)["customer_confirmed"]
    assert row["attempts"] == 3 and "452" in row["last_error"]
    assert len(sink.handler.refused) == 3


async def test_a_5xx_reply_fails_at_once_and_is_retryable_from_sql(
    owner: psycopg.Connection[Any], app_db_url: str, sink: SinkServer
) -> None:
    sink.handler.rcpt_hook = lambda address: "550 5.1.1 No such user" if address == GUEST["email"] else None
    first_booking(owner)
    await make_worker(app_db_url, sink.port).run(until_idle=True)
    rows = by_kind(owner)
    assert rows["customer_confirmed"]["status"] == "failed" and rows["customer_confirmed"]["attempts"] == 1
    assert "550 5.1.1 No such user" in rows["customer_confirmed"]["last_error"]
    assert rows["provider_new"]["status"] == "sent"  # one bad address does not hold up the others
    health = {r["status"]: r for r in owner.execute("SELECT * FROM report.notification_health").fetchall()}
    assert health["failed"]["messages"] == 1 and health["failed"]["failed_last_24h"] == 1
    assert "550" in health["failed"]["last_error"]

    sink.handler.rcpt_hook = lambda address: None  # the address was fixed
    failed = rows["customer_confirmed"]["id"]
    member = owner.execute("SELECT id FROM booking.users WHERE email = 'member@example.com'").fetchone()
    assert member
    with psycopg.connect(app_db_url, autocommit=True) as app:
        with pytest.raises(psycopg.Error, match="only admins"):
            app.execute("SELECT api.retry_notification(%s, %s)", (failed, member["id"]))
        status = app.execute("SELECT status FROM api.retry_notification(%s)", (failed,)).fetchone()
        assert status == ("pending",)
    await make_worker(app_db_url, sink.port).run(until_idle=True)
    assert by_kind(owner)["customer_confirmed"]["status"] == "sent"
    assert len(sink.handler.to(GUEST["email"])) == 1


def worker_env(app_db_url: str, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "BOOKER_", "DATABASE_URL"))}
    env.update(
        DATABASE_URL=app_db_url,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(port),
        BOOKER_PUBLIC_URL=PUBLIC_URL,
        BOOKER_MAIL_FROM=MAIL_FROM,
        BOOKER_ENV="development",
        PYTHONPATH=str(ROOT),
    )
    return env


async def start_worker_process(app_db_url: str, port: int, *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "booker.cli",
        "worker",
        "--concurrency",
        "1",
        "--poll-seconds",
        "0.1",
        *args,
        env=worker_env(app_db_url, port),
        cwd=str(ROOT),
    )


async def test_a_worker_killed_between_send_and_mark_causes_one_duplicate(
    owner: psycopg.Connection[Any], app_db_url: str, sink: SinkServer
) -> None:
    proc = await start_worker_process(app_db_url, sink.port, "--lease-seconds", "1")

    async def kill_the_worker(envelope: Envelope) -> None:
        if proc.returncode is None and not sink.handler.received:
            proc.kill()  # SIGKILL: the message is here, the worker never hears "250"

    sink.handler.data_hook = kill_the_worker
    first_booking(owner)
    assert await asyncio.wait_for(proc.wait(), timeout=30) == -signal.SIGKILL
    assert len(sink.handler.received) == 1
    assert {r["status"] for r in outbox(owner)} == {"sending"}  # both leased by the dead worker

    async with running(make_worker(app_db_url, sink.port)):  # any worker takes over when the lease lapses
        await eventually(lambda: all(r["status"] == "sent" for r in outbox(owner)), what="re-delivery")
    copies = collections.Counter(r.message_id for r in sink.handler.received)
    assert sorted(copies.values()) == [1, 2]  # at most one duplicate ...
    assert set(copies) == {r["message_id"] for r in outbox(owner)}  # ... with the same Message-ID


async def test_sigterm_finishes_the_message_in_flight_and_exits_0(
    owner: psycopg.Connection[Any], app_db_url: str, sink: SinkServer
) -> None:
    proc = await start_worker_process(app_db_url, sink.port)

    async def terminate_mid_message(envelope: Envelope) -> None:
        if not sink.handler.received:
            proc.send_signal(signal.SIGTERM)
            await asyncio.sleep(0.3)  # the reply comes after the signal

    sink.handler.data_hook = terminate_mid_message
    first_booking(owner)
    assert await asyncio.wait_for(proc.wait(), timeout=30) == 0
    assert len(sink.handler.received) == 1
    rows = {r["message_id"]: r for r in outbox(owner)}
    sent = rows.pop(sink.handler.received[0].message_id)
    assert sent["status"] == "sent"
    [other] = rows.values()  # claimed in the same batch, handed back untried
    assert other["status"] == "pending" and other["attempts"] == 0 and other["locked_by"] is None


async def test_two_workers_send_1000_rows_exactly_once(
    owner: psycopg.Connection[Any], app_db_url: str, sink: SinkServer
) -> None:
    first_booking(owner)
    owner.execute("""
        INSERT INTO booking.notification_log (booking_id, kind, recipient, payload, message_id)
        SELECT n.booking_id, n.kind, 'reader' || g || '@bulk.test', n.payload, '<bulk-' || g || '@booker>'
          FROM booking.notification_log n, generate_series(1, 998) AS g
         WHERE n.kind = 'customer_confirmed'""")
    one = make_worker(app_db_url, sink.port, worker_id="worker-one")
    two = make_worker(app_db_url, sink.port, worker_id="worker-two")
    await asyncio.gather(one.run(until_idle=True), two.run(until_idle=True))

    rows = outbox(owner)
    assert len(rows) == 1000
    assert all(r["status"] == "sent" and r["attempts"] == 1 for r in rows)  # nobody claimed a row twice
    copies = collections.Counter(r.message_id for r in sink.handler.received)
    assert len(sink.handler.received) == 1000 and set(copies.values()) == {1}
    assert set(copies) == {r["message_id"] for r in rows}
    assert one.sent > 0 and two.sent > 0 and one.sent + two.sent == 1000
    assert {r["locked_by"] for r in rows} == {"worker-one", "worker-two"}


async def test_notify_wakes_the_worker_and_its_listener_reconnects(
    owner: psycopg.Connection[Any], app_db_url: str, sink: SinkServer
) -> None:
    free = slots(owner, "consultation")

    def listener_pid() -> int | None:
        row = owner.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = "
            "'booker-worker-listen' AND query = 'LISTEN notification_ready'"
        ).fetchone()
        return row["pid"] if row else None

    async with running(make_worker(app_db_url, sink.port, poll_seconds=60)):  # polling would be too late
        first_pid = await eventually(listener_pid, what="LISTEN connection")
        await asyncio.sleep(0.2)  # the worker has found nothing and sleeps
        book(owner, "consultation", free[0]["starts_at"])
        await eventually(lambda: len(sink.handler.received) == 2, within=5, what="NOTIFY wake-up")

        owner.execute("SELECT pg_terminate_backend(%s)", (first_pid,))
        await eventually(lambda: (pid := listener_pid()) and pid != first_pid, what="LISTEN reconnection")
        await asyncio.sleep(0.2)
        book(owner, "consultation", free[1]["starts_at"])
        await eventually(lambda: len(sink.handler.received) == 4, within=5, what="wake-up after reconnecting")


async def test_the_worker_expires_lapsed_holds(
    owner: psycopg.Connection[Any], app_db_url: str, sink: SinkServer
) -> None:
    hold = owner.execute(
        "SELECT id FROM api.hold_slot('consultation', %s)", (slots(owner, "consultation")[0]["starts_at"],)
    ).fetchone()
    owner.execute(
        "UPDATE booking.bookings SET hold_expires_at = now() - interval '1 minute' WHERE id = %s",
        (hold["id"],),
    )
    await make_worker(app_db_url, sink.port).run(until_idle=True)
    status = owner.execute("SELECT status FROM booking.bookings WHERE id = %s", (hold["id"],)).fetchone()
    assert status == {"status": "expired"}
    assert not sink.handler.received  # an abandoned checkout is nobody's news


async def test_an_unrenderable_row_fails_without_stopping_the_queue(
    owner: psycopg.Connection[Any], app_db_url: str, sink: SinkServer
) -> None:
    booking = first_booking(owner)
    owner.execute(
        "INSERT INTO booking.notification_log (booking_id, kind, recipient, payload, message_id) "
        "VALUES (%s, 'customer_confirmed', 'x@example.com', '{}', '<broken@booker>')",
        (booking["id"],),
    )
    await make_worker(app_db_url, sink.port).run(until_idle=True)
    rows = {r["message_id"]: r for r in outbox(owner)}
    broken = rows.pop("<broken@booker>")
    assert broken["status"] == "failed" and "cannot render customer_confirmed" in broken["last_error"]
    assert {r["status"] for r in rows.values()} == {"sent"} and len(sink.handler.received) == 2


async def test_the_worker_survives_a_lost_database_connection(
    owner: psycopg.Connection[Any], app_db_url: str, sink: SinkServer
) -> None:
    free = slots(owner, "consultation")
    async with running(make_worker(app_db_url, sink.port)):
        book(owner, "consultation", free[0]["starts_at"])
        await eventually(lambda: len(sink.handler.received) == 2, what="first delivery")
        killed = owner.execute(
            "SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity "
            "WHERE application_name LIKE 'booker-worker%'"
        ).fetchone()
        assert killed == {"n": 2}  # the work connection and the LISTEN connection
        book(owner, "consultation", free[1]["starts_at"])
        await eventually(lambda: len(sink.handler.received) == 4, what="delivery after reconnecting")
    assert {r["status"] for r in outbox(owner)} == {"sent"}
