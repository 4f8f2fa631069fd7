"""Reads on a streaming standby behind the replica-lag guard, and the edge and worker behind
PgBouncer in transaction mode (tests/scale/conftest.py starts the engines)."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest
from aiohttp.test_utils import TestClient

from booker.settings import Settings, SettingsError, check_listen
from edge import db
from edge.app import create_app
from tests.edge.conftest import GUEST, SECRET, ClientFactory
from tests.scale.conftest import Topology
from tests.worker.conftest import SinkServer, eventually, free_port, make_worker, running

pytestmark = pytest.mark.slow

SERVICE = "meeting-room"


def settings(**overrides: Any) -> Settings:
    return Settings(**{"environment": "test", "secret": SECRET, "db_pool_size": 4, "rate_limits": False,
                       **overrides})


def window(days: int = 20) -> dict[str, str]:
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=1)
    return {"from": start.isoformat(), "to": (start + dt.timedelta(days=days)).isoformat()}


async def grid(client: TestClient[Any, Any], **params: Any) -> dict[str, Any]:
    resp = await client.get(f"/api/v1/services/{SERVICE}/slots", params={**window(), **params})
    assert resp.status == 200, await resp.text()
    return await resp.json()  # type: ignore[no-any-return]


def free(answer: dict[str, Any]) -> list[str]:
    return [s["starts_at"] for s in answer["slots"] if s["status"] == "available"]


ROOM = "room-berlin"


async def room(client: TestClient[Any, Any], **params: Any) -> tuple[list[str], Any]:
    """The free slots of one room (a slot of the service can still be free in the other room),
    and the router's counts after the read."""
    resp = await client.get("/api/v1/availability", params={"service": SERVICE, "resource": ROOM,
                                                             **window(), **params})
    assert resp.status == 200, await resp.text()
    slots = [s["starts_at"] for r in (await resp.json())["resources"] for s in r["slots"]]
    return slots, client.app[db.READS]


async def book(client: TestClient[Any, Any], starts_at: str, **more: Any) -> Any:
    return await client.post("/api/v1/bookings", json={
        "service": SERVICE, "starts_at": starts_at, "attendee": GUEST, **more})


def read_connections(topology: Topology, port: int) -> int:
    with topology.owner(port) as c:
        row = c.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'booker-edge-read'"
                        ).fetchone()
    return int(row[0]) if row else 0


def primary_seq(topology: Topology) -> int:
    with topology.owner(topology.primary.port) as c:
        row = c.execute("SELECT api.current_seq()").fetchone()
    return int(row[0]) if row else 0


async def test_public_reads_are_served_by_the_standby_while_the_primary_takes_bookings(
        topology: Topology, aiohttp_client: ClientFactory) -> None:
    client = await aiohttp_client(create_app(settings(), database_url=topology.primary_url,
                                             read_database_url=topology.standby_url))
    router = client.app[db.READS]
    topology.wait_replayed()  # a standby still replaying its first WAL counts as behind
    before = await grid(client)
    for path in ("/api/v1/services", f"/api/v1/services/{SERVICE}"):
        assert (await client.get(path)).status == 200
    resp = await client.get("/api/v1/availability", params={"service": SERVICE, **window()})
    assert resp.status == 200
    # the standby serves them: its pool's connections are there, none on the primary
    assert router.reads["replica"] >= 4, router.reads
    assert read_connections(topology, topology.standby.port) >= 1
    assert read_connections(topology, topology.primary.port) == 0
    # a booking goes to the primary (the standby would refuse it: read-only) ... (one room: the
    # service's grid keeps a time free while the other city's room is open then)
    slot = (await room(client))[0][0]
    resp = await book(client, slot, resource=ROOM)
    assert resp.status == 201, await resp.text()
    # ... and once replayed the standby shows it, saying which seq it reflects
    topology.wait_replayed()
    assert slot not in (await room(client))[0]
    after = await grid(client)
    assert after["seq"] > before["seq"]


async def test_the_lag_guard_sends_reads_to_the_primary_while_the_standby_is_paused(
        topology: Topology, aiohttp_client: ClientFactory) -> None:
    client = await aiohttp_client(create_app(settings(replica_max_lag=0.3), database_url=topology.primary_url,
                                             read_database_url=topology.standby_url))
    router = client.app[db.READS]
    topology.wait_replayed()
    slot = (await room(client))[0][1]
    with topology.owner(topology.standby.port) as standby:
        standby.execute("SELECT pg_wal_replay_pause()")
        try:
            resp = await book(client, slot, resource=ROOM)
            assert resp.status == 201, await resp.text()
            await asyncio.sleep(0.6)  # the standby received the booking's WAL but does not replay it
            router.reads.clear()
            assert slot not in (await room(client))[0], "a paused standby answered a read"
            answer = await grid(client)
            assert answer["seq"] >= primary_seq(topology)
            assert router.reads["primary:behind"] == 2, router.reads
            metrics = await (await client.get("/metrics")).text()
            assert 'booker_public_reads_total{target="primary:behind"} 2' in metrics.splitlines()
        finally:
            standby.execute("SELECT pg_wal_replay_resume()")
    topology.wait_replayed()
    router.reads.clear()
    assert slot not in (await room(client))[0]
    assert router.reads["replica"] == 1, router.reads


async def test_a_client_that_knows_a_later_seq_is_answered_by_the_primary_and_a_stale_read_costs_a_409(
        topology: Topology, aiohttp_client: ClientFactory) -> None:
    # the lag bound allows the standby: only `since` tells that it is behind this client
    client = await aiohttp_client(create_app(settings(replica_max_lag=3600),
                                             database_url=topology.primary_url,
                                             read_database_url=topology.standby_url))
    router = client.app[db.READS]
    topology.wait_replayed()
    slot = (await room(client))[0][2]
    with topology.owner(topology.standby.port) as standby:
        standby.execute("SELECT pg_wal_replay_pause()")
        try:
            resp = await book(client, slot, resource=ROOM)
            assert resp.status == 201, await resp.text()
            seq = primary_seq(topology)  # what a live client of this service has been told
            assert slot in (await room(client))[0]  # the standby, stale
            stale = await grid(client)
            assert stale["seq"] < seq  # and honest about the seq it reflects
            # a stale read costs one 409 with alternatives, never a second booking
            again = await book(client, slot, resource=ROOM)
            assert again.status == 409
            assert (await again.json()).get("alternatives")
            router.reads.clear()
            assert slot not in (await room(client, since=seq))[0]
            fresh = await grid(client, since=seq)
            assert fresh["seq"] >= seq
            assert router.reads["primary:since"] == 2, router.reads
            bad = await client.get(f"/api/v1/services/{SERVICE}/slots", params={"since": "-1"})
            assert bad.status == 422 and "since" in (await bad.json())["errors"]
        finally:
            standby.execute("SELECT pg_wal_replay_resume()")


async def test_reads_fall_back_to_the_primary_when_the_standby_does_not_answer(
        topology: Topology, aiohttp_client: ClientFactory) -> None:
    nobody = f"postgresql://booker_app@127.0.0.1:{free_port()}/booker?connect_timeout=1"
    client = await aiohttp_client(create_app(settings(), database_url=topology.primary_url,
                                             read_database_url=nobody))
    assert free(await grid(client))
    assert client.app[db.READS].reads["primary:unavailable"] == 1


async def test_edge_and_worker_work_behind_pgbouncer_in_transaction_mode(
        topology: Topology, aiohttp_client: ClientFactory, sink: SinkServer) -> None:
    with psycopg.connect(f"postgresql://booker@127.0.0.1:{topology.pooler.port}/pgbouncer",
                         autocommit=True) as admin:  # PgBouncer's own console
        modes = {r[0]: r[1] for r in admin.execute("SHOW CONFIG").fetchall()}
    assert modes["pool_mode"] == "transaction"
    client = await aiohttp_client(create_app(settings(db_pool_size=6), database_url=topology.pooler_url,
                                             listen_database_url=topology.primary_url))
    ws = await client.ws_connect("/api/v1/live")
    await ws.send_json({"op": "subscribe", "topics": [f"service:{SERVICE}"]})
    assert (await ws.receive_json(timeout=5))["type"] == "subscribed"
    slots = free(await grid(client))
    # concurrent requests over more server connections than one, each statement more times than
    # psycopg's prepare threshold: prepared statements would fail on another server connection
    answers = await asyncio.gather(*(book(client, s) for s in slots[3:15]),
                                   *(client.get(f"/api/v1/services/{SERVICE}/slots", params=window())
                                     for _ in range(12)))
    assert [a.status for a in answers] == [201] * 12 + [200] * 12, [a.status for a in answers]
    booked = [await a.json() for a in answers[:12]]
    for _ in range(6):  # every pooled connection runs this statement past the prepare threshold
        rounds = await asyncio.gather(*(client.get(f"/api/v1/services/{SERVICE}") for _ in range(8)))
        assert [r.status for r in rounds] == [200] * 8, [await r.text() for r in rounds]
    # times in UTC (the session's TimeZone follows the client through PgBouncer)
    assert all(b["starts_at"].endswith("Z") or b["starts_at"].endswith("+00:00") for b in booked)
    seen = set()
    while len(seen) < 12:
        event = await ws.receive_json(timeout=5)
        if event["type"] == "slot.changed":
            seen.add(event["starts_at"])
    await ws.close()
    # a guest manages the booking through the pooler too
    first = booked[0]
    resp = await client.delete(f"/api/v1/bookings/{first['id']}",
                               headers={"X-Manage-Token": first["manage_token"]})
    assert resp.status in (200, 204), await resp.text()
    # the worker: DATABASE_URL through PgBouncer, its LISTEN direct
    worker = make_worker(topology.pooler_url, sink.port, batch_size=5)
    worker.listen_url = topology.primary_url
    async with running(worker):
        refs = {b["reference"] for b in booked}
        await eventually(lambda: len(sink.handler.received) >= 13 and all(
            any(r in m.raw.decode(errors="replace") for m in sink.handler.received) for r in refs),
            within=20, what="the confirmations and the cancellation")


def test_listen_through_a_transaction_pooler_is_refused_at_start_up(topology: Topology) -> None:
    check_listen(topology.primary_url)  # PostgreSQL itself: accepted
    with pytest.raises(SettingsError) as refused:
        check_listen(topology.pooler_url)
    assert "PgBouncer" in str(refused.value) and "\n" not in str(refused.value)
    # the command itself: one line, exit 2, before serving
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": topology.pooler_url, "BOOKER_ENV": "development",
           "BOOKER_PORT": "1"}
    booker = str(Path(sys.executable).parent / "booker")
    result = subprocess.run([booker, "serve"], env=env, capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        line for line in result.stderr.strip().splitlines() if "BOOKER_LISTEN_DATABASE_URL" in line]


async def test_a_booking_is_confirmed_only_once_the_standby_has_it(
        topology: Topology, aiohttp_client: ClientFactory) -> None:
    """Synchronous replication: with the standby's WAL receiver frozen, a booking commits on the
    primary but its 201 waits; it comes once the standby has flushed the commit."""
    with topology.owner(topology.primary.port) as primary:
        row = primary.execute("SELECT sync_state FROM pg_stat_replication").fetchone()
    assert row and row[0] == "sync"
    client = await aiohttp_client(create_app(settings(), database_url=topology.primary_url))
    slot = (await room(client))[0][3]
    with topology.owner(topology.standby.port) as standby:
        found = standby.execute("SELECT pid FROM pg_stat_wal_receiver").fetchone()
    assert found
    os.kill(found[0], signal.SIGSTOP)
    try:
        pending = asyncio.create_task(book(client, slot, resource=ROOM))
        done, _ = await asyncio.wait([pending], timeout=1.0)
        assert not done, "a 201 before the standby had the booking"
    finally:
        os.kill(found[0], signal.SIGCONT)
    resp = await asyncio.wait_for(pending, 10)
    assert resp.status == 201, await resp.text()


async def test_a_live_replay_never_stops_short_of_what_the_edge_has_published(
        topology: Topology, aiohttp_client: ClientFactory) -> None:
    """A client resubscribing with `since` the standby has: the standby is not asked while it
    lacks a change this edge's listener already sent to others, or the client would miss it."""
    client = await aiohttp_client(create_app(settings(replica_max_lag=3600),
                                             database_url=topology.primary_url,
                                             read_database_url=topology.standby_url))
    slots = (await room(client))[0]
    assert (await book(client, slots[5], resource=ROOM)).status == 201  # the standby has replayed a commit
    topology.wait_replayed()
    slot = slots[4]
    since = primary_seq(topology)
    watcher = await client.ws_connect("/api/v1/live")
    await watcher.send_json({"op": "subscribe", "topics": [f"service:{SERVICE}"]})
    assert (await watcher.receive_json(timeout=5))["type"] == "subscribed"
    with topology.owner(topology.standby.port) as standby:
        standby.execute("SELECT pg_wal_replay_pause()")
        try:
            assert (await book(client, slot, resource=ROOM)).status == 201
            newest = primary_seq(topology)
            event = await watcher.receive_json(timeout=5)
            while event.get("seq") != newest:  # the edge published it (from the primary)
                event = await watcher.receive_json(timeout=5)
            late = await client.ws_connect("/api/v1/live")
            await late.send_json({"op": "subscribe", "topics": [f"service:{SERVICE}"], "since": since})
            got = [await late.receive_json(timeout=5) for _ in range(2)]
            assert got[0]["type"] == "subscribed"
            assert got[1]["type"] == "slot.changed" and got[1]["seq"] == event["seq"], got
            await late.close()
        finally:
            standby.execute("SELECT pg_wal_replay_resume()")
    await watcher.close()
