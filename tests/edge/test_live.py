"""Live updates over WebSocket and SSE, end to end: bookings are written with api.book_slot on
a separate database connection, exactly as any writer (a script, a DBA in psql) would."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import socket
import time
from collections.abc import Awaitable, Callable
from typing import Any

import psycopg
import pytest
from aiohttp import WSMsgType
from aiohttp.client import ClientResponse, ClientWebSocketResponse
from aiohttp.test_utils import TestClient
from psycopg import sql

import edge.live
from booker.settings import Settings
from edge.app import create_app
from edge.live import HUB, RELAY, LiveConfig

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
LiveFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
ATTENDEE = json.dumps({"name": "Live Test", "email": "live@example.com"})


@pytest.fixture
async def live(demo_url: str, app_db_url: str, settings: Settings,
               aiohttp_client: ClientFactory) -> LiveFactory:
    """An edge with demo data and short live timings; keyword arguments override LiveConfig.
    (The database fixtures come first so that the app is torn down before its database.)"""

    async def make(**config: Any) -> TestClient[Any, Any]:
        app = create_app(settings, database_url=app_db_url)
        app[RELAY].config = LiveConfig(**{
            "heartbeat": 5.0, "keepalive": 1.0, "backoff_min": 0.05, "backoff_max": 0.5, **config})
        return await aiohttp_client(app)

    return make


@pytest.fixture
async def db(demo_url: str) -> Any:
    async with await psycopg.AsyncConnection.connect(demo_url, autocommit=True) as conn:
        yield conn


async def free_slots(db: psycopg.AsyncConnection[Any], service: str, n: int,
                     seats: int = 1) -> list[dt.datetime]:
    """n bookable slot starts of a service with at least `seats` seats free, at least three days
    ahead (outside any cutoff) and two hours apart (so buffers never make one block another)."""
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    cur = await db.execute("SELECT starts_at FROM api.available_slots(%s, %s, %s)"
                           " WHERE seats_left >= %s ORDER BY 1",
                           (service, start, start + dt.timedelta(days=21), seats))
    picked: list[dt.datetime] = []
    for (starts_at,) in await cur.fetchall():
        if not picked or starts_at - picked[-1] >= dt.timedelta(hours=2):
            picked.append(starts_at)
    assert len(picked) >= n
    return picked[:n]


async def book(db: psycopg.AsyncConnection[Any], service: str, starts_at: dt.datetime) -> tuple[Any, int]:
    """Book on a separate connection; returns (booking id, its change seq)."""
    cur = await db.execute("SELECT id FROM api.book_slot(%s, %s, %s::jsonb)", (service, starts_at, ATTENDEE))
    row = await cur.fetchone()
    assert row
    cur = await db.execute("SELECT max(id) FROM booking.booking_audit WHERE booking_id = %s", (row[0],))
    seq = await cur.fetchone()
    assert seq
    return row[0], seq[0]


async def ws_next(ws: ClientWebSocketResponse, within: float = 1.0) -> dict[str, Any]:
    """The next message that is not a heartbeat."""
    deadline = time.monotonic() + within
    while True:
        msg = await ws.receive(timeout=max(0.01, deadline - time.monotonic()))
        assert msg.type is WSMsgType.TEXT, msg
        data: dict[str, Any] = json.loads(msg.data)
        if data["type"] != "heartbeat":
            return data


async def ws_nothing(ws: ClientWebSocketResponse, wait: float) -> None:
    with pytest.raises(TimeoutError):
        await ws_next(ws, wait)


async def subscribe(client: TestClient[Any, Any], service: str,
                    since: int | None = None) -> ClientWebSocketResponse:
    ws = await client.ws_connect("/api/v1/live")
    msg: dict[str, Any] = {"op": "subscribe", "topics": [f"service:{service}"]}
    if since is not None:
        msg["since"] = since
    await ws.send_json(msg)
    reply = await ws_next(ws)
    assert reply["type"] == "subscribed", reply
    return ws


class SSE:
    """A minimal EventSource: frames of `field: value` lines separated by a blank line."""

    def __init__(self, resp: ClientResponse) -> None:
        self.resp = resp

    async def next(self, within: float = 1.0) -> dict[str, str]:
        async with asyncio.timeout(within):
            while True:
                frame: dict[str, str] = {}
                while True:
                    line = (await self.resp.content.readline()).decode()
                    assert line, "stream ended"
                    line = line.rstrip("\n")
                    if not line:
                        break
                    if line.startswith(":"):
                        frame.setdefault("comment", line[1:].strip())
                        continue
                    name, _, value = line.partition(":")
                    frame[name] = value.removeprefix(" ")
                if frame.get("event") not in (None, "subscribed"):
                    return frame


def iso(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


def when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC)


async def test_ws_and_sse_receive_a_commit_within_a_second_and_nothing_for_a_rollback(
        live: LiveFactory, db: psycopg.AsyncConnection[Any], demo_url: str) -> None:
    client = await live()
    ws = await subscribe(client, "consultation")
    resp = await client.get("/api/v1/services/consultation/events")
    assert resp.status == 200
    assert resp.headers["Content-Type"].startswith("text/event-stream")
    sse = SSE(resp)
    first, second, third = await free_slots(db, "consultation", 3)

    started = time.monotonic()
    _, seq = await book(db, "consultation", first)
    event = await ws_next(ws, 1.0)
    frame = await sse.next(1.0)
    assert time.monotonic() - started < 1.0
    assert event["type"] == "slot.changed"
    assert event["seq"] == seq
    assert event["service"] == "consultation"
    assert when(event["starts_at"]) == first
    assert event["change"] == "created"
    # two advisers deliver a consultation: one is now taken, the slot is still available
    assert (event["status"], event["seats_left"]) == ("available", 1)
    assert frame["event"] == "slot.changed" and frame["id"] == str(seq)
    assert json.loads(frame["data"]) == event

    # the second adviser: the slot is now booked for the calendar
    _, seq2 = await book(db, "consultation", first)
    event = await ws_next(ws)
    assert (event["seq"], event["status"], event["seats_left"]) == (seq2, "booked", 0)
    assert json.loads((await sse.next())["data"]) == event

    # a rolled-back booking: nothing is sent; the next commit is the very next message
    async with await psycopg.AsyncConnection.connect(demo_url) as tx:
        await tx.execute("SELECT api.book_slot(%s, %s, %s::jsonb)", ("consultation", second, ATTENDEE))
        await tx.rollback()
    await ws_nothing(ws, 0.5)
    _, seq3 = await book(db, "consultation", third)
    event = await ws_next(ws)
    assert (event["seq"], when(event["starts_at"])) == (seq3, third)
    assert (await sse.next())["id"] == str(seq3)
    await ws.close()
    resp.close()


async def test_only_subscribed_services_are_sent(live: LiveFactory, db: psycopg.AsyncConnection[Any]) -> None:
    client = await live()
    ws = await subscribe(client, "meeting-room")
    (slot,) = await free_slots(db, "consultation", 1)
    await book(db, "consultation", slot)
    (room,) = await free_slots(db, "meeting-room", 1)
    _, seq = await book(db, "meeting-room", room)
    event = await ws_next(ws)
    assert (event["service"], event["seq"]) == ("meeting-room", seq)
    await ws.close()


async def test_reschedule_frees_the_old_slot_too(live: LiveFactory, db: psycopg.AsyncConnection[Any]) -> None:
    client = await live()
    ws = await subscribe(client, "meeting-room")
    old, new = await free_slots(db, "meeting-room", 2, seats=2)
    booking, _ = await book(db, "meeting-room", old)
    await ws_next(ws)
    await db.execute("SELECT api.reschedule_booking(%s, %s, NULL)", (booking, new))
    freed, taken = await ws_next(ws), await ws_next(ws)
    assert freed["seq"] == taken["seq"]
    assert freed["change"] == taken["change"] == "rescheduled"
    assert when(freed["starts_at"]) == old
    assert when(taken["starts_at"]) == new
    # two rooms: one is free again at the old time, one taken at the new time
    assert (freed["seats_left"], taken["seats_left"]) == (2, 1)
    await ws.close()


async def test_reconnect_with_since_receives_exactly_the_missed_changes(
        live: LiveFactory, db: psycopg.AsyncConnection[Any]) -> None:
    client = await live()
    slots = await free_slots(db, "meeting-room", 4)
    ws = await subscribe(client, "meeting-room")
    _, seen = await book(db, "meeting-room", slots[0])
    assert (await ws_next(ws))["seq"] == seen
    await ws.close()

    missed = [(await book(db, "meeting-room", s))[1] for s in slots[1:3]]
    ws = await subscribe(client, "meeting-room", since=seen)
    assert [(await ws_next(ws))["seq"] for _ in missed] == missed
    await ws_nothing(ws, 0.3)  # no duplicates
    _, after = await book(db, "meeting-room", slots[3])
    assert (await ws_next(ws))["seq"] == after
    await ws.close()

    # SSE resumes the same way from Last-Event-ID
    resp = await client.get("/api/v1/services/meeting-room/events", headers={"Last-Event-ID": str(seen)})
    sse = SSE(resp)
    assert [int((await sse.next())["id"]) for _ in range(3)] == [*missed, after]
    resp.close()


async def test_since_that_cannot_be_replayed_gets_a_resync(
        live: LiveFactory, db: psycopg.AsyncConnection[Any]) -> None:
    client = await live(replay_limit=2)
    slots = await free_slots(db, "meeting-room", 4)
    ws = await subscribe(client, "meeting-room", since=10**9)  # ahead of the feed
    assert (await ws_next(ws))["type"] == "resync"
    await ws.close()

    _, seq = await book(db, "meeting-room", slots[0])
    for s in slots[1:]:
        await book(db, "meeting-room", s)
    ws = await subscribe(client, "meeting-room", since=seq)  # 3 missed, limit 2
    assert (await ws_next(ws))["type"] == "resync"
    await ws.close()

    resp = await client.get("/api/v1/services/meeting-room/events?since=0")
    assert (await SSE(resp).next())["event"] == "resync"
    resp.close()


async def test_bad_requests_get_errors(live: LiveFactory) -> None:
    client = await live()
    ws = await client.ws_connect("/api/v1/live")
    await ws.send_str("not json")
    assert (await ws_next(ws))["type"] == "error"
    await ws.send_json({"op": "subscribe", "topics": ["consultation"]})
    assert "topics" in (await ws_next(ws))["errors"]
    await ws.send_json({"op": "subscribe", "topics": ["service:consultation"], "since": "x"})
    assert "since" in (await ws_next(ws))["errors"]
    await ws.send_json({"op": "subscribe", "topics": ["service:no-such-thing"]})
    assert (await ws_next(ws))["type"] == "error"
    await ws.send_json({"op": "dance"})
    assert (await ws_next(ws))["type"] == "error"
    await ws.send_json({"op": "ping"})
    assert (await ws_next(ws))["type"] == "pong"
    await ws.close()

    resp = await client.get("/api/v1/services/no-such-thing/events")
    assert resp.status == 404
    resp = await client.get("/api/v1/services/consultation/events", headers={"Last-Event-ID": "abc"})
    assert resp.status == 422


async def test_heartbeats_keep_an_idle_connection_alive(live: LiveFactory) -> None:
    client = await live(heartbeat=0.2)
    ws = await subscribe(client, "workshop")
    msg = await ws.receive_json(timeout=1.0)
    assert msg["type"] == "heartbeat"
    resp = await client.get("/api/v1/services/workshop/events")
    lines = [await resp.content.readline() for _ in range(6)]
    assert b": heartbeat\n" in lines
    await ws.close()
    resp.close()


async def test_listener_killed_by_the_database_loses_nothing(
        live: LiveFactory, db: psycopg.AsyncConnection[Any]) -> None:
    # a long backoff makes sure the bookings below commit while the listener is down
    client = await live(backoff_min=1.0)
    listener = client.app[RELAY].listener
    assert listener is not None and listener.connects == 1
    ws = await subscribe(client, "meeting-room")
    resp = await client.get("/api/v1/services/meeting-room/events")
    sse = SSE(resp)
    slots = await free_slots(db, "meeting-room", 3)

    cur = await db.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                           " WHERE application_name = 'booker-listener' AND datname = current_database()")
    assert [r[0] for r in await cur.fetchall()] == [True]
    seqs = [(await book(db, "meeting-room", s))[1] for s in slots[:2]]
    got = [(await ws_next(ws, 4.0))["seq"] for _ in seqs]
    assert got == seqs
    assert [int((await sse.next(2.0))["id"]) for _ in seqs] == seqs
    assert listener.connects == 2
    # and live delivery goes on over the new connection
    _, seq = await book(db, "meeting-room", slots[2])
    assert (await ws_next(ws))["seq"] == seq
    await ws.close()
    resp.close()


async def test_listener_that_missed_too_much_makes_clients_resync(
        live: LiveFactory, db: psycopg.AsyncConnection[Any]) -> None:
    client = await live(backoff_min=1.0, replay_limit=2)
    ws = await subscribe(client, "meeting-room")
    slots = await free_slots(db, "meeting-room", 4)
    await db.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                     " WHERE application_name = 'booker-listener' AND datname = current_database()")
    for s in slots[:3]:
        await book(db, "meeting-room", s)
    assert (await ws_next(ws, 4.0))["type"] == "resync"
    _, seq = await book(db, "meeting-room", slots[3])
    assert (await ws_next(ws))["seq"] == seq
    await ws.close()


async def test_slow_client_is_dropped_and_never_stalls_others(
        live: LiveFactory, db: psycopg.AsyncConnection[Any]) -> None:
    client = await live(queue_limit=16, socket_buffer=4096)
    hub = client.app[HUB]
    fast = await subscribe(client, "meeting-room")
    slow = _raw_ws_subscriber(client, "meeting-room")
    await _wait_for(lambda: hub.topic_count("service:meeting-room") == 2)

    # many changes in one transaction: a DBA edits a booking's notes again and again
    (slot,) = await free_slots(db, "meeting-room", 1)
    booking, _ = await book(db, "meeting-room", slot)
    n = 250
    await db.execute(sql.SQL(
        "DO $$ BEGIN FOR i IN 1..{n} LOOP UPDATE booking.bookings SET notes = 'edit ' || i WHERE id = {id};"
        " END LOOP; END $$").format(n=sql.Literal(n), id=sql.Literal(booking)))
    received = 0
    while received < n:  # the fast client gets every change
        msg = await ws_next(fast, 5.0)
        assert msg["type"] == "slot.changed"
        received += 1
    assert hub.dropped == 1
    assert hub.topic_count("service:meeting-room") == 1
    slow.close()
    await fast.close()


def _raw_ws_subscriber(client: TestClient[Any, Any], service: str) -> socket.socket:
    """A WebSocket client that subscribes and then never reads, with a tiny receive buffer."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((client.host, client.port))
    sock.sendall(
        b"GET /api/v1/live HTTP/1.1\r\nHost: test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
    payload = json.dumps({"op": "subscribe", "topics": [f"service:{service}"]}).encode()
    mask = b"\x01\x02\x03\x04"
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    sock.sendall(bytes([0x81, 0x80 | len(payload)]) + mask + masked)
    return sock


async def _wait_for(check: Callable[[], bool], within: float = 2.0) -> None:
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


async def test_shutdown_closes_live_clients_promptly(live: LiveFactory) -> None:
    client = await live()
    ws = await subscribe(client, "workshop")
    resp = await client.get("/api/v1/services/workshop/events")
    await SSE(resp).resp.content.readline()
    receiving = asyncio.create_task(ws.receive(timeout=3.0))  # a browser answers the close at once
    started = time.monotonic()
    await client.server.close()
    assert time.monotonic() - started < 3.0
    msg = await receiving
    assert (msg.type, msg.data) == (WSMsgType.CLOSE, 1001)  # going away: reconnect with since
    assert client.app[HUB].subscriber_count == 0
    resp.close()


async def test_a_change_the_relay_cannot_enrich_does_not_stop_live_updates(
        live: LiveFactory, db: psycopg.AsyncConnection[Any]) -> None:
    client = await live()
    ws = await subscribe(client, "meeting-room")
    (slot,) = await free_slots(db, "meeting-room", 1)
    # a DBA writes an audit row by hand for a 90-day range: api.slot_grid refuses such a range
    await db.execute("""
        INSERT INTO booking.booking_audit (booking_id, service_id, resource_id, action, status,
                                           starts_at, ends_at, new_row)
        SELECT gen_random_uuid(), s.id, sr.resource_id, 'created', 'confirmed', %s, %s, '{}'
          FROM booking.services s JOIN booking.service_resources sr ON sr.service_id = s.id
         WHERE s.slug = 'meeting-room' LIMIT 1""", (slot, slot + dt.timedelta(days=90)))
    _, seq = await book(db, "meeting-room", slot)
    event = await ws_next(ws, 2.0)
    assert event["seq"] == seq
    listener = client.app[RELAY].listener
    assert listener is not None and listener.connects == 1  # no reconnect loop
    await ws.close()


async def test_metrics_count_live_clients(live: LiveFactory) -> None:
    client = await live()
    ws = await subscribe(client, "workshop")
    resp = await client.get("/api/v1/services/workshop/events")
    await resp.content.readline()
    text = await (await client.get("/metrics")).text()
    assert "booker_live_subscribers 2" in text
    await ws.close()
    resp.close()


async def test_a_change_both_replayed_and_live_is_sent_once(
        live: LiveFactory, db: psycopg.AsyncConnection[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    client = await live()
    hub = client.app[HUB]
    slots = await free_slots(db, "meeting-room", 3)
    _, since = await book(db, "meeting-room", slots[0])
    _, missed = await book(db, "meeting-room", slots[1])
    await _wait_for(lambda: hub.last_seq >= missed)  # both published before the client comes back

    # hold the replay query back until a change has committed and reached the hub live
    gate = asyncio.Event()
    real_fetch = edge.live.fetch_changes

    async def gated_fetch(*args: Any) -> Any:
        await gate.wait()
        return await real_fetch(*args)

    monkeypatch.setattr(edge.live, "fetch_changes", gated_fetch)
    ws = await client.ws_connect("/api/v1/live")
    await ws.send_json({"op": "subscribe", "topics": ["service:meeting-room"], "since": since})
    await _wait_for(lambda: hub.topic_count("service:meeting-room") == 1)
    published = hub.published
    _, both = await book(db, "meeting-room", slots[2])  # live (held back) and in the replay
    await _wait_for(lambda: hub.published > published)
    gate.set()

    assert (await ws_next(ws))["type"] == "subscribed"
    assert [(await ws_next(ws))["seq"] for _ in range(2)] == [missed, both]
    await ws_nothing(ws, 0.3)  # `both` is not sent a second time
    await ws.close()


async def test_an_sse_client_that_leaves_is_forgotten_before_the_next_heartbeat(live: LiveFactory) -> None:
    client = await live(heartbeat=60.0)
    hub = client.app[HUB]
    resp = await client.get("/api/v1/services/workshop/events")
    await resp.content.readline()
    assert hub.subscriber_count == 1
    resp.close()
    await _wait_for(lambda: hub.subscriber_count == 0, within=2.0)
