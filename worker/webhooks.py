"""Webhook deliveries: the worker side of booking.webhook_deliveries (issue 16).

Loop: claim due deliveries as a lease (api.claim_webhook_deliveries: one short statement;
per-booking order is the database's rule), POST each body to its endpoint with
`concurrency` requests at once, record every attempt with its status code or error
(api.record_webhook_attempt), and email the admins about endpoints the database disabled
after persistent failure (api.webhook_alerts). No transaction is open while HTTP talks.

Each request:
  POST <url>
  Content-Type: application/json
  User-Agent: Booker-Webhooks/1
  Booker-Event: booking.created             Booker-Delivery: <delivery id>
  Booker-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
The body is the bytes signed. A receiver recomputes the HMAC over "<t>." + the raw body,
compares in constant time, and rejects a t more than five minutes away from its clock
(replays); `id` in the body (the event id, kept by redeliveries) deduplicates.

Hostile endpoints: a total timeout per request (BOOKER_WEBHOOK_TIMEOUT), redirects are
never followed (a 3xx is a failed attempt naming the Location), at most 4 KiB of a
response is read before the connection is dropped, and unless BOOKER_WEBHOOK_ALLOW_PRIVATE
the resolver refuses loopback, private, link-local and other non-global addresses (checked
on the addresses actually connected to, so DNS rebinding cannot slip past). 2xx is
success; anything else is retried with exponential backoff until the endpoint's
max_attempts, after which the delivery fails and the endpoint is disabled.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import ipaddress
import json
import logging
import random
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any

import aiohttp
import psycopg
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver
from psycopg.rows import dict_row

from booker.settings import Settings
from worker.mime import address, header_value, quoted_printable
from worker.sender import Sender

log = logging.getLogger("booker.worker.webhooks")

SIGNATURE_HEADER = "Booker-Signature"
USER_AGENT = "Booker-Webhooks/1"
READ_LIMIT = 4096  # bytes of a response read before the connection is dropped

CLAIM = "SELECT * FROM api.claim_webhook_deliveries(%(worker)s, %(limit)s, %(lease_seconds)s)"
RECORD = ("SELECT api.record_webhook_attempt(%(id)s, %(worker)s, %(status)s, %(error)s, "
          "%(duration_ms)s, %(retry_in)s)")
ALERTS = "SELECT * FROM api.webhook_alerts()"
ALERT_SENT = "SELECT api.mark_webhook_alert_sent(%(id)s)"
LISTEN = "LISTEN webhook_ready"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The Booker-Signature header value for a body sent at `timestamp` (unix seconds)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, header: str, body: bytes, *, tolerance: float = 300,
           now: float | None = None) -> bool:
    """A receiver's check (the recipe in docs/http-api.md): the signature matches and the
    timestamp is within `tolerance` seconds of now."""
    try:
        parts = dict(p.split("=", 1) for p in header.split(","))
        timestamp = int(parts["t"])
    except (ValueError, KeyError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def is_public(ip: str) -> bool:
    """An address a webhook may reach when private targets are not allowed."""
    addr = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped
    return addr.is_global and not addr.is_multicast


class RefusedAddress(OSError):
    """A webhook host that resolves to an address webhooks may not reach."""


class GuardedResolver(AbstractResolver):
    """Resolves as usual, then refuses non-global addresses (SSRF): the connector only
    ever connects to addresses this returned."""

    def __init__(self) -> None:
        self._inner = DefaultResolver()

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
                      ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        if bad := [r["host"] for r in results if not is_public(r["host"])]:
            raise RefusedAddress(f"{host} resolves to a non-public address ({bad[0]}); "
                          "set BOOKER_WEBHOOK_ALLOW_PRIVATE=true to allow it")
        return results

    async def close(self) -> None:
        await self._inner.close()


@dataclass(frozen=True)
class HookConfig:
    batch_size: int = 50
    concurrency: int = 32  # requests in flight at once
    lease_seconds: float = 120  # longer than any request can take (timeout), so no renewal
    poll_seconds: float = 5
    backoff_base: float = 10  # seconds before the first retry; x4 per attempt
    backoff_max: float = 6 * 3600
    alerts_every: float = 30
    worker_id: str = "webhooks"

    def backoff(self, attempts: int) -> float:
        """10 s, 40 s, 2.7 min, 11 min, 43 min, 2.8 h, 6 h ...: 8 attempts span about 10 h."""
        return float(min(self.backoff_max, self.backoff_base * 4 ** max(0, attempts - 1))
                     * random.uniform(0.75, 1.0))


@dataclass(frozen=True)
class Outcome:
    status: int | None
    error: str | None
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class Deliverer:
    """POSTs signed bodies; one aiohttp session (its connection pool) for all endpoints."""

    def __init__(self, settings: Settings, concurrency: int = 32):
        self.timeout = aiohttp.ClientTimeout(total=settings.webhook_timeout,
                                             sock_connect=min(5.0, settings.webhook_timeout))
        self.allow_private = settings.webhook_private_allowed
        self.concurrency = concurrency
        self._session: aiohttp.ClientSession | None = None

    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            resolver = None if self.allow_private else GuardedResolver()
            connector = aiohttp.TCPConnector(limit=self.concurrency, limit_per_host=self.concurrency,
                                             resolver=resolver, ttl_dns_cache=60)
            self._session = aiohttp.ClientSession(connector=connector, timeout=self.timeout,
                                                  auto_decompress=False, trust_env=False)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def post(self, url: str, secret: str, event: str, delivery_id: int, body: bytes) -> Outcome:
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "Booker-Event": event,
            "Booker-Delivery": str(delivery_id),
            SIGNATURE_HEADER: sign(secret, timestamp, body),
        }
        started = time.monotonic()

        def took() -> int:
            return int((time.monotonic() - started) * 1000)

        try:
            async with self.session().post(url, data=body, headers=headers, allow_redirects=False) as resp:
                await resp.content.read(READ_LIMIT)  # a huge answer is not read: the connection is dropped
                if not resp.content.at_eof():
                    resp.close()
                status = resp.status
                if 300 <= status < 400:
                    where = resp.headers.get("Location", "")[:200]
                    return Outcome(status, f"HTTP {status} redirect to {where!r} not followed", took())
                return Outcome(status, None if 200 <= status < 300 else f"HTTP {status}", took())
        except TimeoutError:
            return Outcome(None, f"timed out after {self.timeout.total:g}s", took())
        except aiohttp.InvalidURL as exc:
            return Outcome(None, f"invalid URL: {exc}", took())
        except (aiohttp.ClientError, OSError) as exc:
            if isinstance(exc.__cause__, RefusedAddress):  # aiohttp's wrapper drops the message
                return Outcome(None, str(exc.__cause__), took())
            return Outcome(None, f"{type(exc).__name__}: {exc}"[:500], took())


def body_bytes(payload: Any) -> bytes:
    data = payload if isinstance(payload, dict) else json.loads(payload)
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()


def alert_message(settings: Settings, alert: dict[str, Any], recipient: str) -> bytes:
    """The plain email to admins about an endpoint disabled after persistent failure."""
    text = (
        f"Booker stopped sending webhooks to {alert['url']}: every retry of a delivery failed.\n\n"
        f"Disabled at: {alert['disabled_at']:%Y-%m-%d %H:%M:%S %Z}\n"
        f"Reason: {alert['disabled_reason']}\n\n"
        "Events that happen meanwhile are not queued for it. Fix the receiver, then enable the "
        "endpoint again in /admin -> Webhooks, and redeliver what it missed from its delivery log.\n"
        f"{settings.public_url}/admin/webhooks\n"
    )
    domain = parseaddr(settings.mail_from)[1].rpartition("@")[2] or "booker"
    headers = [
        ("From", settings.mail_from),
        ("To", address(None, recipient)),
        ("Subject", header_value(f"Webhook endpoint disabled: {alert['url']}"[:200])),
        ("Date", formatdate(localtime=False)),
        ("Message-ID", make_msgid("webhook-alert", domain=domain)),
    ]
    head = "".join(f"{name}: {header_value(value)}\r\n" for name, value in headers)
    head += ('MIME-Version: 1.0\r\nContent-Type: text/plain; charset="utf-8"\r\n'
             "Content-Transfer-Encoding: quoted-printable\r\n\r\n")
    return head.encode("ascii") + quoted_printable(text)


class HookWorker:
    """Claims and posts webhook deliveries until stop(); run(until_idle=True) for tests."""

    def __init__(self, database_url: str, settings: Settings, config: HookConfig | None = None):
        self.url = database_url
        self.settings = settings
        self.config = config or HookConfig()
        self.deliverer = Deliverer(settings, self.config.concurrency)
        self.delivered = 0
        self._stopping = asyncio.Event()
        self._wake = asyncio.Event()
        self._next_alerts = 0.0

    def stop(self) -> None:
        self._stopping.set()

    async def run(self, *, until_idle: bool = False) -> None:
        listener = None if until_idle else asyncio.create_task(self._listen())
        conn: psycopg.AsyncConnection[Any] | None = None
        delay = 0.5
        try:
            while not self._stopping.is_set():
                try:
                    if conn is None or conn.closed:
                        conn = await psycopg.AsyncConnection.connect(
                            self.url, autocommit=True, application_name="booker-webhooks")
                    idle = await self.step(conn)
                    delay = 0.5
                except Exception as exc:  # the database is gone, or a surprise: logged, then on
                    log.warning("webhooks: %s: %s; retrying in %.1fs", type(exc).__name__, exc, delay)
                    if conn is not None:
                        with contextlib.suppress(Exception):
                            await conn.close()
                        conn = None
                    await self._sleep(delay)
                    delay = min(delay * 2, 30)
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
            await self.deliverer.close()
            if conn is not None:
                await conn.close()

    async def step(self, conn: psycopg.AsyncConnection[Any]) -> bool:
        """Send the alerts when due, then claim and post one batch; True when nothing was due."""
        if time.monotonic() >= self._next_alerts:
            self._next_alerts = time.monotonic() + self.config.alerts_every
            await self.send_alerts(conn)
        self._wake.clear()
        async with conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(CLAIM, {"worker": self.config.worker_id, "limit": self.config.batch_size,
                                      "lease_seconds": self.config.lease_seconds})
            rows = await cur.fetchall()
        if not rows:
            return True
        outcomes = await asyncio.gather(*(self._post(row) for row in rows))
        # one statement per attempt, in claim order, after the requests (none is open during HTTP)
        for row, outcome in zip(rows, outcomes, strict=True):
            retry_in = None if outcome.ok else self.config.backoff(row["attempts"])
            cur2 = await conn.execute(RECORD, {
                "id": row["id"], "worker": self.config.worker_id, "status": outcome.status,
                "error": outcome.error, "duration_ms": outcome.duration_ms, "retry_in": retry_in})
            result = await cur2.fetchone()
            status = result[0] if result else None
            if status == "delivered":
                self.delivered += 1
            elif status == "failed":
                log.error("webhook delivery %s (%s to %s) failed after %s attempt(s): %s; endpoint disabled",
                          row["id"], row["event"], row["url"], row["attempts"], outcome.error)
                self._next_alerts = 0.0
            else:
                log.warning("webhook delivery %s (%s to %s) attempt %s: %s", row["id"], row["event"],
                            row["url"], row["attempts"], outcome.error)
        return False

    async def _post(self, row: dict[str, Any]) -> Outcome:
        try:
            return await self.deliverer.post(row["url"], row["secret"], row["event"], row["id"],
                                              body_bytes(row["payload"]))
        except Exception as exc:  # one hostile endpoint never stops the batch
            return Outcome(None, f"{type(exc).__name__}: {exc}"[:500], 0)

    async def send_alerts(self, conn: psycopg.AsyncConnection[Any]) -> int:
        """Email the admins about each newly disabled endpoint; marked once every admin got it."""
        async with conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(ALERTS)
            alerts = await cur.fetchall()
        sent = 0
        for alert in alerts:
            if await self._mail_admins(alert, alert["recipients"]):
                await conn.execute(ALERT_SENT, {"id": alert["endpoint_id"]})
                sent += 1
        return sent

    async def _mail_admins(self, alert: dict[str, Any], recipients: Sequence[str]) -> bool:
        sender = Sender(self.settings, 30)
        try:
            for recipient in recipients:
                await sender.send(alert_message(self.settings, alert, recipient), recipient)
            return True
        except Exception as exc:  # the SMTP server is down: tried again at the next round
            log.warning("could not email the admins about disabled webhook %s: %s", alert["url"], exc)
            return False
        finally:
            await sender.close()

    async def _sleep(self, seconds: float, *, wake: bool = False) -> None:
        events = [self._stopping.wait()] + ([self._wake.wait()] if wake else [])
        tasks = [asyncio.ensure_future(e) for e in events]
        try:
            await asyncio.wait(tasks, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for t in tasks:
                t.cancel()

    async def _listen(self) -> None:
        delay = 0.5
        while not self._stopping.is_set():
            try:
                async with await psycopg.AsyncConnection.connect(
                        self.url, autocommit=True, application_name="booker-webhooks-listen") as conn:
                    await conn.execute(LISTEN)
                    delay = 0.5
                    self._wake.set()
                    while True:
                        async for _ in conn.notifies(timeout=self.config.poll_seconds * 6):
                            self._wake.set()
                        await conn.execute("SELECT 1")
            except psycopg.OperationalError as exc:
                log.warning("webhooks LISTEN connection lost (%s); reconnecting in %.1fs", exc, delay)
                await self._sleep(delay)
                delay = min(delay * 2, 30)
