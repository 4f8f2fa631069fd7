"""`booker worker`: drains the notification outbox (claim -> send -> mark).

Loop: claim a batch of due rows as a lease (api.claim_notifications, one short
statement), send them over `concurrency` SMTP connections, record each failure as its
SMTP reply comes in and mark the sent rows a few at a time (api.mark_notifications_sent).
No transaction is open while SMTP talks. The lease is short (30 s) and renewed every
third of it while the batch is out (api.renew_notifications), so the rows of a worker
that was killed are taken over within one lease.
A message that cannot be rendered or addressed is a poison message: it is marked
'failed' with its reason at once (no retries) and the rest of its batch goes on. Any
other unexpected error is logged and the loop carries on after a pause: one message
never ends the worker.
When nothing is due the worker sleeps until NOTIFY notification_ready (on its own
LISTEN connection, which reconnects with backoff) or the polling interval passes.
Every `expire_every` seconds it calls api.expire_holds(). SIGTERM or SIGINT: the
messages in flight are finished and marked, the rest of the batch is handed back,
and the process exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import random
import signal
import socket
import sys
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import psycopg

from booker.settings import Settings
from worker import queries
from worker.outbox import Outbox, Row
from worker.render import render
from worker.sender import DeliveryError, Sender

log = logging.getLogger("booker.worker")


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass(frozen=True)
class WorkerConfig:
    batch_size: int = 50
    concurrency: int = 8  # SMTP connections used at once
    lease_seconds: float = 30  # a claimed row is re-claimable after this unless renewed (its worker died)
    poll_seconds: float = 5  # fallback when no NOTIFY arrives
    backoff_base: float = 10  # seconds before the first retry; doubles per attempt
    backoff_max: float = 3600
    expire_every: float = 30  # api.expire_holds() interval
    mark_every: int = 10  # sent rows marked per statement ...
    mark_within: float = 0.2  # ... or after this many seconds, whichever comes first
    smtp_timeout: float = 30
    reconnect_max: float = 30  # longest wait between database reconnection attempts
    worker_id: str = field(default_factory=default_worker_id)

    def backoff(self, attempts: int) -> float:
        """Exponential backoff with jitter: base * 2^(attempts-1), capped, times 0.5-1.0."""
        delay = min(self.backoff_max, self.backoff_base * 2 ** max(0, attempts - 1))
        return float(delay * random.uniform(0.5, 1.0))


class Worker:
    def __init__(self, database_url: str, settings: Settings, config: WorkerConfig | None = None):
        self.url = database_url
        # LISTEN goes to PostgreSQL itself (BOOKER_LISTEN_DATABASE_URL) when DATABASE_URL is a pooler
        self.listen_url = settings.listen_database_url or database_url
        self.settings = settings
        self.config = config or WorkerConfig()
        self.sent = 0
        self._stopping = asyncio.Event()
        self._wake = asyncio.Event()
        self._senders = [Sender(settings, self.config.smtp_timeout) for _ in range(self.config.concurrency)]
        self._next_expiry = 0.0
        self._marks = _SentMarks(self.config.mark_every, self.config.mark_within)

    def stop(self) -> None:
        """Finish the messages in flight, then return from run()."""
        self._stopping.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    async def run(self, *, until_idle: bool = False) -> None:
        """Work until stop() (or, with until_idle, until no row is due)."""
        listener = None if until_idle else asyncio.create_task(self._listen(), name=queries.LISTENER_NAME)
        outbox: Outbox | None = None
        delay = 0.5
        try:
            while not self.stopping:
                try:
                    if outbox is None or outbox.conn.closed:
                        outbox = await Outbox.connect(self.url, self.config.worker_id)
                        log.info("worker %s connected", self.config.worker_id)
                    idle = await self._step(outbox)
                    delay = 0.5
                except psycopg.OperationalError as exc:
                    log.warning("database unavailable (%s); retrying in %.1fs", str(exc).strip(), delay)
                    if outbox is not None:
                        await outbox.close()
                        outbox = None
                    await self._sleep(delay)
                    delay = min(delay * 2, self.config.reconnect_max)
                    continue
                except Exception:  # a bug or a surprise: logged, and the queue goes on
                    log.exception("worker %s: unexpected error; carrying on in %.1fs",
                                  self.config.worker_id, delay)
                    if outbox is not None:
                        with contextlib.suppress(Exception):
                            await outbox.close()
                        outbox = None
                    await self._sleep(delay)
                    delay = min(delay * 2, self.config.reconnect_max)
                    continue
                if idle:
                    if until_idle:
                        break
                    await self._sleep(self.config.poll_seconds, wake=True)
        finally:
            if listener is not None:
                listener.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await listener
            for sender in self._senders:
                await sender.close()
            if outbox is not None:
                with contextlib.suppress(psycopg.Error):
                    await self._marks.flush(outbox)
                await outbox.close()
            if self._marks.ids:
                log.warning(
                    "%d sent notification(s) could not be marked sent; they will be sent again "
                    "(same Message-ID) when their lease lapses",
                    len(self._marks.ids),
                )

    async def _step(self, outbox: Outbox) -> bool:
        """Expire holds when due, then claim and deliver one batch; True when nothing was due."""
        await self._marks.flush(outbox)  # what a lost connection left unmarked
        now = time.monotonic()
        if now >= self._next_expiry:
            self._next_expiry = now + self.config.expire_every
            if expired := await outbox.expire_holds():
                log.info("expired %d lapsed hold(s)", expired)
        self._wake.clear()  # a NOTIFY from now on means: look again
        rows = await outbox.claim(self.config.batch_size, self.config.lease_seconds)
        if not rows:
            return True
        await self._deliver_batch(outbox, rows)
        return False

    async def _deliver_batch(self, outbox: Outbox, rows: list[Row]) -> None:
        todo = deque(rows)
        failures: list[Exception] = []
        leased = {r["id"] for r in rows}  # claimed and not yet marked: the leases to renew

        async def lane(sender: Sender) -> None:
            try:
                while todo and not self.stopping and not failures:
                    row = todo.popleft()
                    await self._deliver(outbox, sender, row)
                    leased.discard(row["id"])
            except Exception as exc:  # the database is gone, most likely: the other lanes stop too
                failures.append(exc)

        renewal = asyncio.create_task(self._renew_leases(outbox, leased))
        try:
            await asyncio.gather(*(lane(s) for s in self._senders[: len(rows)]))
        finally:
            renewal.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewal
        if failures:
            with contextlib.suppress(psycopg.Error):
                await self._marks.flush(outbox)
            raise failures[0]  # untried rows stay leased and come back when the lease lapses
        await self._marks.flush(outbox)
        if todo:  # stopping: hand back what was claimed but not tried
            released = await outbox.release([r["id"] for r in todo])
            log.info("released %d unsent notification(s) on shutdown", released)

    async def _renew_leases(self, outbox: Outbox, leased: set[int]) -> None:
        """Every third of the lease, extend the leases of the batch's unfinished rows."""
        every = self.config.lease_seconds / 3
        while True:
            await asyncio.sleep(every)
            try:
                # and the sent rows whose mark is still buffered: until then they are 'sending' too
                await outbox.renew(sorted(leased.union(self._marks.ids)), self.config.lease_seconds)
            except psycopg.Error as exc:  # the lanes meet the same problem and end the batch
                log.warning("could not renew the leases of %d notification(s): %s", len(leased), exc)

    async def _deliver(self, outbox: Outbox, sender: Sender, row: Row) -> None:
        """Render and send one row, then record the outcome. Only a database error escapes:
        anything else is about this message alone and fails it permanently, with its reason."""
        try:
            message = render(row, self.settings.mail_from, self.settings.public_url, self.settings.secret)
        except Exception as exc:  # a payload this code cannot render must not stop the queue
            await outbox.mark_failed(row["id"], f"cannot render {row['kind']}: {exc!r}", None)
            log.error("notification %s: cannot render: %r", row["id"], exc)
            return
        try:
            await sender.send(message, row["recipient"])
        except Exception as exc:
            if not isinstance(exc, DeliveryError):  # not an SMTP reply: the library refuses this message
                with contextlib.suppress(Exception):
                    await sender.close()
                exc = DeliveryError(f"cannot send {row['kind']}: {type(exc).__name__}: {exc}", permanent=True)
            await self._failed(outbox, row, exc)
            return
        self.sent += 1
        log.debug(
            "notification %s sent: %s to %s %s", row["id"], row["kind"], row["recipient"], row["message_id"]
        )
        await self._marks.add(outbox, row["id"])

    async def _failed(self, outbox: Outbox, row: Row, exc: DeliveryError) -> None:
        """Record a failed delivery: retried later when transient, 'failed' with its reason when
        permanent (an SMTP 5xx, or a poison message the mail library refuses)."""
        retry_in = None if exc.permanent else self.config.backoff(row["attempts"])
        status = await outbox.mark_failed(row["id"], str(exc), retry_in)
        if status == "pending":
            log.warning("notification %s (%s to %r) attempt %d failed, retry in %.1fs: %s",
                        row["id"], row["kind"], row["recipient"], row["attempts"], retry_in, exc)
        else:
            log.error("notification %s (%s to %r) failed after %d attempt(s): %s",
                      row["id"], row["kind"], row["recipient"], row["attempts"], exc)

    async def _sleep(self, seconds: float, *, wake: bool = False) -> None:
        """Sleep, cut short by stop() (and by a NOTIFY when wake)."""
        events = [self._stopping.wait()] + ([self._wake.wait()] if wake else [])
        tasks = [asyncio.ensure_future(e) for e in events]
        try:
            await asyncio.wait(tasks, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for t in tasks:
                t.cancel()

    async def _listen(self) -> None:
        """Set the wake event on every NOTIFY notification_ready. Its own autocommit
        connection, with a keep-alive query while idle; reconnects with backoff."""
        delay = 0.5
        while not self.stopping:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self.listen_url, autocommit=True, application_name=queries.LISTENER_NAME
                ) as conn:
                    await conn.execute(queries.LISTEN)
                    delay = 0.5
                    self._wake.set()  # anything queued while we were not listening
                    while True:
                        async for _ in conn.notifies(timeout=self.config.poll_seconds * 6):
                            self._wake.set()
                        await conn.execute(queries.KEEPALIVE)
            except psycopg.OperationalError as exc:
                log.warning("LISTEN connection lost (%s); reconnecting in %.1fs", str(exc).strip(), delay)
                await self._sleep(delay * random.uniform(1, 1.5))
                delay = min(delay * 2, self.config.reconnect_max)


class _SentMarks:
    """Rows the SMTP server has accepted, marked sent a few at a time: one statement and
    one commit per `every` rows or per `within` seconds, whichever comes first, instead
    of one per email. When the database connection is lost the ids are kept and marked
    after reconnecting; only a crash before a flush re-sends those rows (once, when their
    lease lapses, with the same Message-ID), as a crash between one send and its mark would."""

    def __init__(self, every: int, within: float):
        self.every, self.within = every, within
        self.ids: list[int] = []
        self.since = 0.0

    async def add(self, outbox: Outbox, row_id: int) -> None:
        if not self.ids:
            self.since = time.monotonic()
        self.ids.append(row_id)
        if len(self.ids) >= self.every or time.monotonic() - self.since >= self.within:
            await self.flush(outbox)

    async def flush(self, outbox: Outbox) -> None:
        ids, self.ids = self.ids, []  # taken before the await: lanes never mark a row twice
        if not ids:
            return
        try:
            await outbox.mark_sent(ids)
        except BaseException:
            self.ids[:0] = ids  # marked after reconnecting
            raise


async def serve(database_url: str, settings: Settings, config: WorkerConfig) -> int:
    worker = Worker(database_url, settings, config)
    # Webhook deliveries (issue 16): their own outbox and loop, stopped with the worker.
    from worker.webhooks import HookConfig, HookWorker

    hooks = HookWorker(database_url, settings, HookConfig(worker_id=f"{config.worker_id}:hooks"))
    hooks_task = asyncio.create_task(hooks.run(), name="booker-webhooks")

    def stop() -> None:
        worker.stop()
        hooks.stop()

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop)
    log.info(
        "worker %s: SMTP %s:%s, concurrency %d",
        config.worker_id,
        settings.smtp_host,
        settings.smtp_port,
        config.concurrency,
    )
    try:
        await worker.run()
    finally:
        hooks.stop()
        await hooks_task
    log.info("worker %s stopped after sending %d message(s) and %d webhook(s)",
             config.worker_id, worker.sent, hooks.delivered)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from booker import settings as settings_module
    from booker.limits import raise_nofile_limit
    from booker.logging import configure_logging

    settings = settings_module.load_or_exit(check_db=True)  # one clear line when the database is unreachable
    configure_logging(settings, "worker")
    raise_nofile_limit()
    values: dict[str, Any] = {
        k: v for k, v in vars(args).items() if k in WorkerConfig.__dataclass_fields__ and v is not None
    }
    if bad := [k for k, v in values.items() if not isinstance(v, str) and v <= 0]:
        sys.exit("booker worker: " + ", ".join(f"--{k.replace('_', '-')}" for k in bad) + " must be positive")
    url = settings_module.database_url_or_exit(settings)
    settings_module.check_listen_or_exit(settings, url)
    return asyncio.run(serve(url, settings, WorkerConfig(**values)))


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("worker", help="send the queued emails (outbox drainer) and expire lapsed holds")
    p.add_argument("--concurrency", type=int, help="SMTP connections used at once (default 8)")
    p.add_argument("--batch-size", type=int, help="rows claimed per round trip (default 50)")
    p.add_argument("--poll-seconds", type=float, help="polling interval when no NOTIFY arrives (default 5)")
    p.add_argument(
        "--lease-seconds",
        type=float,
        help="lease of a claimed row, renewed while sending; after it lapses (the worker died) "
        "any worker re-sends the row (default 30)",
    )
    p.add_argument(
        "--backoff-base", type=float, help="first retry delay in seconds, doubled per attempt (default 10)"
    )
    p.add_argument("--backoff-max", type=float, help="longest retry delay in seconds (default 3600)")
    p.add_argument("--expire-every", type=float, help="seconds between api.expire_holds() calls (default 30)")
    p.add_argument(
        "--worker-id", help="name recorded in notification_log.locked_by (default host:pid:random)"
    )
    p.set_defaults(func=cmd_worker)
