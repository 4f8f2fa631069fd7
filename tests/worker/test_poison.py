"""Poison messages and leases (issue 9): a message the mail library refuses or would
misread fails alone, permanently and with its reason, while its batch is delivered and
the worker lives on; a live worker keeps its leases however slow SMTP is, and a dead
worker's rows are taken over within one short lease."""

from __future__ import annotations

import asyncio
import collections
from typing import Any

import psycopg
import pytest
from aiosmtpd.smtp import Envelope

from tests.worker.conftest import SinkServer, book, eventually, make_worker, outbox, running, slots
from worker.main import WorkerConfig
from worker.outbox import Outbox


def twenty_good_and_one_poison(owner: psycopg.Connection[Any], poison: str) -> None:
    """A booking's two rows, 18 more good ones, and one whose recipient the old rules let in
    (queued before migration 0040, or by hand): it sits in the middle of one batch."""
    book(owner, "consultation", slots(owner, "consultation")[0]["starts_at"])
    owner.execute("""
        INSERT INTO booking.notification_log (booking_id, kind, recipient, payload, message_id)
        SELECT n.booking_id, n.kind, CASE WHEN g = 9 THEN %s ELSE 'reader' || g || '@bulk.test' END,
               n.payload, '<bulk-' || g || '@booker>'
          FROM booking.notification_log n, generate_series(1, 19) AS g
         WHERE n.kind = 'customer_confirmed'""", (poison,))


@pytest.mark.parametrize("poison", ["a<b>@c.de", 'a"b@c.de', "x>,<y@z.zz", "a(b)@c.de", "a;b@c.de"])
async def test_a_poison_address_fails_alone_and_the_worker_lives(
    owner: psycopg.Connection[Any], app_db_url: str, sink: SinkServer, poison: str
) -> None:
    twenty_good_and_one_poison(owner, poison)
    async with running(make_worker(app_db_url, sink.port, batch_size=50)) as task:
        await eventually(lambda: all(r["status"] in ("sent", "failed") for r in outbox(owner)),
                         what="the batch")
        await asyncio.sleep(0.3)
        assert not task.done(), task.exception() if task.done() else None  # the worker is alive
        book(owner, "consultation", slots(owner, "consultation")[0]["starts_at"])  # and still working
        await eventually(lambda: len(sink.handler.received) == 22, what="the next booking's emails")
    rows = outbox(owner)
    [failed] = [r for r in rows if r["status"] == "failed"]
    assert failed["recipient"] == poison and failed["attempts"] == 1  # permanent: not retried
    assert repr(poison) in failed["last_error"]
    assert sum(r["status"] == "sent" for r in rows) == 22
    assert all(poison not in r.rcpt_tos and "a" not in r.rcpt_tos for r in sink.handler.received)


async def test_an_unexpected_error_never_ends_the_worker(
    owner: psycopg.Connection[Any], app_db_url: str, sink: SinkServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    claim = Outbox.claim
    calls = collections.Counter[str]()

    async def claim_that_trips_once(self: Outbox, limit: int, lease_seconds: float) -> list[dict[str, Any]]:
        calls["claim"] += 1
        if calls["claim"] == 1:
            raise RuntimeError("a bug in the worker")
        return await claim(self, limit, lease_seconds)

    monkeypatch.setattr(Outbox, "claim", claim_that_trips_once)
    book(owner, "consultation", slots(owner, "consultation")[0]["starts_at"])
    async with running(make_worker(app_db_url, sink.port, reconnect_max=0.2)) as task:
        await eventually(lambda: len(sink.handler.received) == 2, what="delivery after the error")
        assert not task.done()
    assert calls["claim"] >= 2


async def test_a_live_worker_renews_its_leases_while_smtp_is_slow(
    owner: psycopg.Connection[Any], app_db_url: str, sink: SinkServer
) -> None:
    async def slow(envelope: Envelope) -> None:
        await asyncio.sleep(2.0)  # several leases long

    sink.handler.data_hook = slow
    book(owner, "consultation", slots(owner, "consultation")[0]["starts_at"])
    one = make_worker(app_db_url, sink.port, worker_id="slow-one", lease_seconds=0.6, concurrency=1)
    async with running(one):
        await eventually(lambda: {r["status"] for r in outbox(owner)} == {"sending"}, what="the claim")
        two = make_worker(app_db_url, sink.port, worker_id="eager-two", lease_seconds=0.6)
        async with running(two):
            await eventually(lambda: {r["status"] for r in outbox(owner)} == {"sent"}, within=20,
                             what="delivery")
    copies = collections.Counter(r.message_id for r in sink.handler.received)
    assert set(copies.values()) == {1}, copies  # nobody took over a lease its holder was renewing
    assert {r["locked_by"] for r in outbox(owner)} == {"slow-one"} and one.sent == 2


def test_the_default_lease_is_short() -> None:
    assert WorkerConfig().lease_seconds <= 30  # a dead worker's rows wait at most this long
