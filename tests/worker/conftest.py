"""Worker test kit: a real SMTP server (aiosmtpd) on loopback that records what it
receives and can be told to refuse, demo bookings made through the api.* functions,
and a worker configured with tiny delays so the suite stays fast."""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import functools
import re
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import psycopg
import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session
from psycopg.rows import dict_row

from booker import mailsink
from booker.settings import Settings
from worker.main import Worker, WorkerConfig

PUBLIC_URL = "https://booker.test"
MAIL_FROM = "Booker <bookings@booker.test>"
GUEST = {"name": "Gina Guest", "email": "gina@guest.test"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes

    @functools.cached_property
    def message(self) -> EmailMessage:
        message = email.message_from_bytes(self.raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        return message

    @property
    def message_id(self) -> str:
        """From the raw header block: cheap enough for a thousand messages."""
        found = re.search(rb"^Message-ID: *(\S+)", self.raw.split(b"\r\n\r\n", 1)[0], re.M | re.I)
        assert found, "no Message-ID"
        return found.group(1).decode()

    def part(self, content_type: str) -> Any:
        return next(p for p in self.message.walk() if p.get_content_type() == content_type)

    def text(self) -> str:
        return str(self.part("text/plain").get_content())


class RecordingSink:
    """aiosmtpd handler keeping every accepted message. rcpt_hook(address) and
    data_hook(envelope) may return an SMTP reply (e.g. '451 ...') to refuse instead."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.refused: list[str] = []
        self.rcpt_hook: Callable[[str], str | None] = lambda address: None
        self.data_hook: Callable[[Envelope], Awaitable[str | None]] | None = None

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if reply := self.rcpt_hook(address):
            self.refused.append(reply)
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.data_hook is not None and (reply := await self.data_hook(envelope)):
            self.refused.append(reply)
            return reply
        raw = envelope.original_content or b""
        self.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), raw))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.rcpt_tos]


@dataclass
class SinkServer:
    handler: RecordingSink
    port: int
    server: asyncio.Server | None = None

    async def start(self) -> None:
        self.server = await mailsink.start(self.handler, "127.0.0.1", self.port)

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
            self.server = None


@pytest.fixture
async def sink() -> AsyncIterator[SinkServer]:
    server = SinkServer(RecordingSink(), free_port())
    await server.start()
    yield server
    await server.stop()


def make_settings(port: int) -> Settings:
    return Settings(smtp_host="127.0.0.1", smtp_port=port, public_url=PUBLIC_URL, mail_from=MAIL_FROM)


FAST = WorkerConfig(
    batch_size=20,
    concurrency=4,
    lease_seconds=60,
    poll_seconds=0.05,
    backoff_base=0.05,
    backoff_max=0.2,
    expire_every=60,
    smtp_timeout=5,
    worker_id="test-worker",
)


def make_worker(app_db_url: str, port: int, **config: Any) -> Worker:
    values = {**FAST.__dict__, **config}
    return Worker(app_db_url, make_settings(port), WorkerConfig(**values))


@asynccontextmanager
async def running(worker: Worker) -> AsyncIterator[asyncio.Task[None]]:
    """The worker's run() as a task for the duration of the block, stopped cleanly after."""
    task = asyncio.create_task(worker.run())
    try:
        yield task
    finally:
        worker.stop()
        await asyncio.wait_for(task, timeout=10)


async def eventually(check: Callable[[], Any], within: float = 10, what: str = "condition") -> Any:
    """Poll check() (without blocking the event loop for long) until it returns a truthy value."""
    deadline = time.monotonic() + within
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


@pytest.fixture
def owner(demo_url: str) -> Iterator[psycopg.Connection[dict[str, Any]]]:
    """Autocommit owner connection to the demo database, rows as dicts."""
    with psycopg.connect(demo_url, autocommit=True, row_factory=dict_row) as c:
        yield c


def slots(conn: psycopg.Connection[Any], service: str, days: int = 14) -> list[dict[str, Any]]:
    now = dt.datetime.now(dt.UTC)
    return conn.execute(
        "SELECT * FROM api.available_slots(%s, %s, %s) ORDER BY starts_at",
        (service, now, now + dt.timedelta(days=days)),
    ).fetchall()


def book(
    conn: psycopg.Connection[Any],
    service: str,
    starts_at: dt.datetime,
    *,
    attendee: dict[str, str] | None = None,
    user: Any = None,
) -> dict[str, Any]:
    row = conn.execute(
        "SELECT b.* FROM api.book_slot(%s, %s, p_attendee => %s::jsonb, p_user => %s) b",
        (service, starts_at, psycopg.types.json.Jsonb(attendee if attendee is not None else GUEST), user),
    ).fetchone()
    assert row is not None
    return dict(row)


def outbox(conn: psycopg.Connection[Any], booking_id: Any = None) -> list[dict[str, Any]]:
    if booking_id is None:
        return conn.execute("SELECT * FROM booking.notification_log ORDER BY id").fetchall()
    return conn.execute(
        "SELECT * FROM booking.notification_log WHERE booking_id = %s ORDER BY id", (booking_id,)
    ).fetchall()


def user_id(conn: psycopg.Connection[Any], email_address: str) -> Any:
    row = conn.execute("SELECT id FROM booking.users WHERE email = %s", (email_address,)).fetchone()
    assert row is not None
    return row["id"]
