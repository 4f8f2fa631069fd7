"""Webhook deliveries against a real aiohttp receiver on loopback (issue 16): working,
down, slow (timeout), answering 500 until the endpoint is disabled and the admins are
emailed; redirects and huge answers; private targets refused unless allowed."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import psycopg
from aiohttp import web
from psycopg.types.json import Jsonb

from booker.settings import Settings
from tests.worker.conftest import MAIL_FROM, PUBLIC_URL, SinkServer, book, free_port, slots, user_id
from worker.webhooks import SIGNATURE_HEADER, HookConfig, HookWorker, sign, verify

Conn = psycopg.Connection[Any]
SECRET = "test-webhook-secret-0123456789"
ALL = ["booking.created", "booking.confirmed", "booking.declined", "booking.cancelled", "booking.rescheduled"]


@dataclass
class Receiver:
    """An aiohttp server recording each request; `answer` decides the reply."""

    port: int = field(default_factory=free_port)
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    answer: Callable[[web.Request], Awaitable[web.StreamResponse]] | None = None
    runner: web.AppRunner | None = None

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append((dict(request.headers), await request.read()))
        if self.answer is not None:
            return await self.answer(request)
        return web.Response(status=204)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body in self.requests]


@asynccontextmanager
async def receiver(answer: Callable[[web.Request], Awaitable[web.StreamResponse]] | None = None
                   ) -> AsyncIterator[Receiver]:
    r = Receiver(answer=answer)
    await r.start()
    try:
        yield r
    finally:
        await r.stop()


def settings(smtp_port: int = 9, **values: Any) -> Settings:
    return Settings(smtp_host="127.0.0.1", smtp_port=smtp_port, public_url=PUBLIC_URL, mail_from=MAIL_FROM,
                    **{"webhook_allow_private": True, "webhook_timeout": 5.0, **values})


def hooks(app_db_url: str, smtp_port: int = 9, *, config: dict[str, Any] | None = None,
          **values: Any) -> HookWorker:
    cfg = HookConfig(**{"backoff_base": 0.01, "backoff_max": 0.05, "poll_seconds": 0.05,
                        "worker_id": "test-hooks", **(config or {})})
    return HookWorker(app_db_url, settings(smtp_port, **values), cfg)


def endpoint(owner: Conn, url: str, **fields: Any) -> dict[str, Any]:
    admin = user_id(owner, "admin@example.com")
    row = owner.execute("SELECT api.create_webhook_endpoint(%s, %s) AS v",
                        (admin, Jsonb({"url": url, "events": ALL, "secret": SECRET, **fields}))).fetchone()
    assert row
    return dict(row["v"])


def deliveries(owner: Conn) -> list[dict[str, Any]]:
    return owner.execute(
        "SELECT d.*, (SELECT array_agg(a.status_code ORDER BY a.id) FROM booking.webhook_attempts a"
        "              WHERE a.delivery_id = d.id) AS codes,"
        "        (SELECT array_agg(a.error ORDER BY a.id) FROM booking.webhook_attempts a"
        "              WHERE a.delivery_id = d.id) AS errors"
        "  FROM booking.webhook_deliveries d ORDER BY d.id").fetchall()


def a_slot(owner: Conn, n: int = 0) -> dt.datetime:
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(hours=3)
    free = [s for s in slots(owner, "consultation") if s["starts_at"] > soon]
    return free[n]["starts_at"]  # type: ignore[no-any-return]


async def test_working_receiver_gets_signed_bodies_in_order(owner: Conn, app_db_url: str) -> None:
    async with receiver() as r:
        endpoint(owner, r.url)
        booking = book(owner, "consultation", a_slot(owner))
        owner.execute("SELECT api.cancel_booking(%s, NULL)", (booking["id"],))
        await hooks(app_db_url).run(until_idle=True)
        # one at a time, in the booking's order
        assert [b["type"] for b in r.bodies()] == [
            "booking.created", "booking.confirmed", "booking.cancelled"]
        for headers, body in r.requests:
            assert verify(SECRET, headers[SIGNATURE_HEADER], body)
            assert headers["Booker-Event"] == json.loads(body)["type"]
        created, _, cancelled = r.bodies()
        assert created["data"]["booking"]["status"] == "confirmed"
        assert created["data"]["booking"]["id"] == str(booking["id"])
        assert cancelled["data"]["booking"]["status"] == "cancelled"
        row = owner.execute("SELECT api.booking_json(b) AS j FROM booking.bookings b WHERE id = %s",
                            (booking["id"],)).fetchone()
        assert row and row["j"].keys() == cancelled["data"]["booking"].keys()
        assert [d["codes"] for d in deliveries(owner)] == [[204]] * 3
        assert {d["status"] for d in deliveries(owner)} == {"delivered"}


def test_signature_rejects_tampering_and_replays() -> None:
    body = b'{"id":"x"}'
    now = int(time.time())
    header = sign(SECRET, now, body)
    assert verify(SECRET, header, body)
    assert not verify(SECRET, header, body + b" ")  # another body
    assert not verify("another-secret-0123456789", header, body)
    assert not verify(SECRET, sign(SECRET, now - 600, body), body)  # a replay ten minutes later
    assert not verify(SECRET, "garbage", body)


async def test_receiver_down_is_retried_then_delivered(owner: Conn, app_db_url: str) -> None:
    r = Receiver()  # not started: connection refused
    endpoint(owner, r.url)
    book(owner, "consultation", a_slot(owner))
    worker = hooks(app_db_url, config={"backoff_base": 0.2, "backoff_max": 0.2})
    await worker.run(until_idle=True)
    first = deliveries(owner)[0]
    assert first["status"] == "pending" and first["codes"] == [None]
    assert "Connect" in first["errors"][0] or "refused" in first["errors"][0].lower()
    assert deliveries(owner)[1]["attempts"] == 0  # the booking's second event waits for its first
    await r.start()
    try:
        async def all_delivered() -> None:
            while {d["status"] for d in deliveries(owner)} != {"delivered"}:
                await worker.run(until_idle=True)
                await asyncio.sleep(0.1)
        await asyncio.wait_for(all_delivered(), 10)
        assert [b["type"] for b in r.bodies()] == ["booking.created", "booking.confirmed"]
        assert deliveries(owner)[0]["codes"] == [None, 204]
    finally:
        await r.stop()


async def test_slow_receiver_times_out(owner: Conn, app_db_url: str) -> None:
    async def slow(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(5)
        return web.Response(status=200)

    async with receiver(slow) as r:
        endpoint(owner, r.url, events=["booking.created"])
        book(owner, "consultation", a_slot(owner))
        started = time.monotonic()
        await hooks(app_db_url, webhook_timeout=0.5, config={"backoff_base": 60}).run(until_idle=True)
        assert time.monotonic() - started < 4
        [d] = deliveries(owner)
        assert d["status"] == "pending" and d["codes"] == [None] and "timed out" in d["errors"][0]


async def test_500_until_disabled_and_admins_emailed(owner: Conn, app_db_url: str,
                                                      sink: SinkServer) -> None:
    async def error(request: web.Request) -> web.StreamResponse:
        return web.Response(status=500, text="boom")

    async with receiver(error) as r:
        ep = endpoint(owner, r.url, events=["booking.created"], max_attempts=3)
        booking = book(owner, "consultation", a_slot(owner))
        worker = hooks(app_db_url, sink.port, config={"alerts_every": 0})

        async def until_failed() -> None:
            while deliveries(owner)[0]["status"] != "failed":
                await worker.run(until_idle=True)
                await asyncio.sleep(0.05)
        await asyncio.wait_for(until_failed(), 10)
        [d] = deliveries(owner)
        assert d["codes"] == [500, 500, 500] and d["last_status"] == 500
        state = owner.execute("SELECT active, disabled_reason FROM booking.webhook_endpoints WHERE id = %s",
                              (ep["id"],)).fetchone()
        assert state and state["active"] is False and "HTTP 500" in state["disabled_reason"]
        await worker.run(until_idle=True)  # sends the alert
        mails = sink.handler.to("admin@example.com")
        assert len(mails) == 1 and r.url in str(mails[0].message["Subject"])
        await worker.run(until_idle=True)
        assert len(sink.handler.to("admin@example.com")) == 1  # once
        # disabled: later events are not queued, and nothing is sent
        owner.execute("SELECT api.cancel_booking(%s, NULL)", (booking["id"],))
        assert len(deliveries(owner)) == 1 and len(r.requests) == 3


async def test_redirect_not_followed_and_huge_answer_not_read(owner: Conn,
                                                              app_db_url: str) -> None:
    async with receiver() as elsewhere:
        async def redirect(request: web.Request) -> web.StreamResponse:
            if request.path == "/huge":
                resp = web.StreamResponse(status=200)
                await resp.prepare(request)
                for _ in range(2000):  # 128 MB if anyone read it all
                    await resp.write(b"x" * 65536)
                return resp
            raise web.HTTPTemporaryRedirect(elsewhere.url)

        async with receiver(redirect) as r:
            redirecting = endpoint(owner, r.url, events=["booking.created"])
            endpoint(owner, r.url.replace("/hooks", "/huge"), events=["booking.created"])
            book(owner, "consultation", a_slot(owner))
            await hooks(app_db_url, config={"backoff_base": 60}).run(until_idle=True)
            # one delivery per endpoint, in the order of the endpoints' (random) uuids
            by_endpoint = {str(d["endpoint_id"]): d for d in deliveries(owner)}
            moved = by_endpoint.pop(redirecting["id"])
            [huge] = by_endpoint.values()
            assert moved["codes"] == [307] and "not followed" in moved["errors"][0]
            assert elsewhere.requests == []
            assert huge["status"] == "delivered" and huge["codes"] == [200]


async def test_private_targets_refused_unless_allowed(owner: Conn, app_db_url: str) -> None:
    async with receiver() as r:
        endpoint(owner, r.url.replace("127.0.0.1", "localhost"), events=["booking.created"])
        book(owner, "consultation", a_slot(owner))
        await hooks(app_db_url, webhook_allow_private=False, config={"backoff_base": 60}).run(until_idle=True)
        [d] = deliveries(owner)
        assert r.requests == [] and "non-public address" in d["errors"][0]
