"""Live updates (SPEC §4): WebSocket GET /api/v1/live and SSE GET /api/v1/services/{slug}/events.

    setup_live(app)   adds both routes, the hub, and the listener's cleanup_ctx.

WebSocket protocol (JSON text frames):
    -> {"op": "subscribe", "topics": ["service:<slug>", ...], "since": <seq>?}
    <- {"type": "subscribed", "topics": [...], "seq": <seq>}
    <- {"type": "slot.changed", "seq", "service", "starts_at", "ends_at", "status", "seats_left",
        "change", "booking_status"}
    <- {"type": "resync"}          missed changes cannot be replayed: refetch the slots
    <- {"type": "heartbeat", "seq"} after `heartbeat` seconds without any other message
    -> {"op": "unsubscribe", "topics": [...]}, {"op": "ping"} (<- {"type": "pong"})
    <- {"type": "error", "detail": ...} for a message the server cannot use

`status` is the slot's status now (available / booked / unavailable, as in
GET /services/{slug}/slots), `seats_left` its free seats; `change` is what happened to the
booking (created, held, cancelled, rescheduled, ...). A reschedule sends one event for the old slot
and one for the new slot, with the same seq.

SSE sends the same events as `id: <seq>` / `event: slot.changed` / `data: <json>`, resumes
from `Last-Event-ID` (or `?since=`), sends `event: resync` and `: heartbeat` comments.

With `since`, the changes after it are replayed from `api.changes_since` before live ones;
live events that arrive meanwhile are held back and only those the replay did not contain
are sent after it (no duplicates, no gaps). A `since` ahead of the current seq, or more than
`replay_limit` changes behind, gets a resync instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import psycopg
from aiohttp import WSCloseCode, WSMsgType, web
from psycopg_pool import PoolTimeout

from edge import db
from edge.errors import Problem, invalid, not_found
from edge.guard import check_origin, live_slot
from edge.relay.hub import DROPPED, RESYNC, SHUTDOWN, Hub, Reply, SlotChange, Subscriber
from edge.relay.listener import Listener, current_seq, enrich, fetch_changes

log = logging.getLogger("booker.live")

MAX_TOPICS = 50
TOPIC_PREFIX = "service:"
RESYNC_TEXT = json.dumps({"type": "resync"})
RESYNC_SSE = f"event: resync\ndata: {RESYNC_TEXT}\n\n".encode()
HEARTBEAT_SSE = b": heartbeat\n\n"


@dataclass
class LiveConfig:
    heartbeat: float = 25.0  # seconds of silence before a heartbeat is sent to a client
    keepalive: float = 30.0  # seconds of silence before the listener checks its connection
    queue_limit: int = 256  # events a client may be behind before it is dropped
    replay_limit: int = 1000  # changes a client (or the listener) may replay before a resync
    backoff_min: float = 0.1  # listener reconnect backoff, doubling up to backoff_max
    backoff_max: float = 10.0
    startup_wait: float = 5.0  # how long start-up waits for the first connection attempt
    socket_buffer: int = 32 * 1024  # send buffer per live client (kernel and transport); 0: defaults


class Relay:
    """The live part of one edge process: its config and (once started) its listener."""

    def __init__(self, config: LiveConfig) -> None:
        self.config = config
        self.listener: Listener | None = None


HUB = web.AppKey("live_hub", Hub)
RELAY = web.AppKey("live_relay", Relay)


def setup_live(app: web.Application, config: LiveConfig | None = None) -> None:
    """Add the live routes, the hub and the listener (started and stopped with the app)."""
    app[RELAY] = Relay(config or LiveConfig())
    app[HUB] = Hub()
    app.router.add_get("/api/v1/live", live_ws)
    app.router.add_get("/api/v1/services/{slug}/events", service_events)
    app.cleanup_ctx.append(_listener_ctx)
    app.on_shutdown.append(_close_clients)


async def _listener_ctx(app: web.Application) -> AsyncIterator[None]:
    relay, hub = app[RELAY], app[HUB]
    config = relay.config
    hub.queue_limit = config.queue_limit
    settings = app[db.SETTINGS]
    # LISTEN goes to PostgreSQL itself: BOOKER_LISTEN_DATABASE_URL when DATABASE_URL is a pooler
    url = (app.get(db.LISTEN_DATABASE_URL) or settings.listen_database_url
           or app.get(db.DATABASE_URL) or settings.database_url)
    if not url:
        raise RuntimeError("DATABASE_URL is not set")
    listener = Listener(url, hub, keepalive=config.keepalive, backoff_min=config.backoff_min,
                        backoff_max=config.backoff_max, replay_limit=config.replay_limit)
    relay.listener = listener
    listener.start()
    # Serve once LISTEN is active (so no change slips between start-up and the first client), but
    # do not hold start-up back when the database is away: the listener keeps retrying.
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(listener.attempted.wait(), config.startup_wait)
    if not listener.ready.is_set():
        log.warning("live listener not connected yet; it keeps retrying in the background")
    try:
        yield
    finally:
        await listener.stop()
        relay.listener = None


async def _close_clients(app: web.Application) -> None:
    await app[HUB].shutdown()


# --- replay (SQL through the pool; the hub itself never queries) -----------------------------


async def replay(app: web.Application, slug: str, since: int) -> list[SlotChange] | None:
    """The changes of `slug` after `since` as events, or None when they cannot be replayed."""
    limit = app[RELAY].config.replay_limit
    try:
        # A replica is asked only when it has replayed `since` (or it would take the client's seq
        # for one "ahead of the current seq") and every change this edge has already published
        # (those are not held back for this client: a replay that stops short would skip them).
        position = max(since, app[HUB].last_seq)
        async with (await db.read_pool(app, position)).connection() as conn:
            if since > await current_seq(conn):
                return None  # from another database, or the client made it up
            rows = await fetch_changes(conn, since, slug, limit + 1)
            if len(rows) > limit:
                return None
            return await enrich(conn, rows)
    except (psycopg.Error, PoolTimeout) as exc:
        log.warning("live replay failed (%s); the client resyncs", exc.sqlstate if isinstance(
            exc, psycopg.Error) else "pool timeout")
        return None


async def active_slugs(app: web.Application, slugs: list[str]) -> set[str]:
    rows = await db.query(app, "SELECT slug FROM api.services WHERE slug = ANY(%s) AND active", (slugs,),
                          on=await db.read_pool(app))
    return {r["slug"] for r in rows}


def _small_buffers(request: web.Request, size: int) -> None:
    """Live messages are small: a small send buffer per client bounds memory with thousands
    of clients and lets a client that stopped reading be noticed (and dropped) sooner."""
    transport = request.transport
    if transport is None or size <= 0:
        return
    transport.set_write_buffer_limits(high=size)
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, size)


def _abortable(request: web.Request, sub: Subscriber) -> None:
    def abort() -> None:
        if request.transport is not None:
            request.transport.abort()

    sub.abort = abort


# --- WebSocket -------------------------------------------------------------------------------


def _direct_writes(request: web.Request, ws: web.WebSocketResponse, sub: Subscriber) -> None:
    """With 1,000 clients, waking 1,000 writer tasks per event costs more than the event itself:
    when a client is idle (nothing queued, its writer not sending, nothing buffered in its
    transport) the hub writes the pre-encoded frame to the transport directly, in order. Anything
    else goes through the queue, where aiohttp's flow control and the queue bound still apply."""
    transport = request.transport

    def direct(event: SlotChange) -> bool:
        if transport is None or ws.closed or transport.is_closing() or transport.get_write_buffer_size():
            return False
        transport.write(event.ws_frame)  # one complete frame: never interleaves with aiohttp's
        return True

    sub.direct = direct


async def live_ws(request: web.Request) -> web.WebSocketResponse:
    settings = request.app[db.SETTINGS]
    check_origin(request, settings)  # a page of another site must not read our live feed with our cookies
    with live_slot(request, settings):
        return await _live_ws(request)


async def _live_ws(request: web.Request) -> web.WebSocketResponse:
    hub, relay = request.app[HUB], request.app[RELAY]
    # No per-message compression: it would cost one zlib pass per client per event.
    ws = web.WebSocketResponse(max_msg_size=64 * 1024, compress=False,
                               writer_limit=relay.config.socket_buffer or 2**16)
    await ws.prepare(request)
    _small_buffers(request, relay.config.socket_buffer)
    sub = hub.subscriber()
    _abortable(request, sub)
    _direct_writes(request, ws, sub)
    writer = asyncio.create_task(_ws_writer(ws, sub, hub, relay.config.heartbeat))
    try:
        async for msg in ws:
            if msg.type is WSMsgType.TEXT:
                await _ws_command(request, sub, msg.data)
            else:
                sub.reply({"type": "error", "detail": "send JSON text messages"})
            if writer.done():
                break
    finally:
        sub.close()
        if not writer.done():
            writer.cancel()
        with contextlib.suppress(asyncio.CancelledError, ConnectionError, RuntimeError):
            await writer
    return ws


async def _ws_writer(ws: web.WebSocketResponse, sub: Subscriber, hub: Hub, heartbeat: float) -> None:
    """The only task that sends on this socket: queued items in order, heartbeats when idle."""
    try:
        while True:
            sub.busy = False
            items = await sub.take(heartbeat)
            sub.busy = True
            if not items:
                await ws.send_str(json.dumps({"type": "heartbeat", "seq": hub.last_seq}))
            for item in items:
                if isinstance(item, SlotChange | Reply):
                    await ws.send_str(item.text)
                elif item is RESYNC:
                    await ws.send_str(RESYNC_TEXT)
                elif item is SHUTDOWN:
                    await ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutting down")
                    return
                elif item is DROPPED:
                    return
    except ConnectionError:
        sub.close()


async def _ws_command(request: web.Request, sub: Subscriber, text: str) -> None:
    try:
        message = json.loads(text)
    except ValueError:
        sub.reply({"type": "error", "detail": "not valid JSON"})
        return
    if not isinstance(message, dict):
        sub.reply({"type": "error", "detail": "send a JSON object"})
        return
    op = message.get("op")
    if op == "ping":
        sub.reply({"type": "pong"})
    elif op in ("subscribe", "unsubscribe"):
        try:
            topics, since = _parse_subscription(message, op)
        except Problem as exc:
            sub.reply({"type": "error", "detail": exc.detail, "errors": exc.errors})
            return
        if op == "unsubscribe":
            for topic in topics:
                sub.hub.remove(sub, topic)
            sub.reply({"type": "unsubscribed", "topics": topics})
        else:
            await _subscribe(request, sub, topics, since)
    else:
        sub.reply({"type": "error", "detail": 'unknown op: use "subscribe", "unsubscribe" or "ping"'})


def _parse_subscription(message: dict[str, Any], op: str) -> tuple[list[str], int | None]:
    topics = message.get("topics")
    since = message.get("since")
    errors = {}
    if (not isinstance(topics, list) or not topics or len(topics) > MAX_TOPICS
            or not all(isinstance(t, str) and t.startswith(TOPIC_PREFIX) and len(t) > len(TOPIC_PREFIX)
                       for t in topics)):
        errors["topics"] = f'must be a list of 1 to {MAX_TOPICS} topics like "service:<slug>"'
    if since is not None and (op != "subscribe" or isinstance(since, bool) or not isinstance(since, int)
                              or since < 0):
        errors["since"] = "must be a sequence number (an integer >= 0)"
    if errors:
        raise invalid(errors)
    return list(dict.fromkeys(topics)), since  # type: ignore[arg-type]


async def _subscribe(request: web.Request, sub: Subscriber, topics: list[str], since: int | None) -> None:
    app = request.app
    try:
        known = await active_slugs(app, [t[len(TOPIC_PREFIX):] for t in topics])
    except (psycopg.Error, PoolTimeout):
        sub.reply({"type": "error", "detail": "temporarily unavailable: subscribe again shortly"})
        return
    unknown = [t for t in topics if t[len(TOPIC_PREFIX):] not in known]
    topics = [t for t in topics if t not in unknown]
    if unknown:
        sub.reply({"type": "error", "detail": "unknown topics: " + ", ".join(unknown),
                   "errors": {"topics": "unknown service"}})
    if not topics:
        return
    if since is None:
        for topic in topics:
            sub.hub.add(sub, topic)
        sub.reply({"type": "subscribed", "topics": topics, "seq": sub.hub.last_seq})
        return
    for topic in topics:
        sub.begin_replay(topic, since)  # live events of the topic are held from here on
    replays = {t: await replay(app, t[len(TOPIC_PREFIX):], since) for t in topics}
    sub.reply({"type": "subscribed", "topics": topics, "seq": sub.hub.last_seq})
    for topic, events in replays.items():
        sub.end_replay(topic, events)


# --- Server-Sent Events ----------------------------------------------------------------------


def _sse_since(request: web.Request) -> int | None:
    raw = request.headers.get("Last-Event-ID") or request.query.get("since")
    if raw is None or raw == "":
        return None
    try:
        since = int(raw)
    except ValueError:
        since = -1
    if since < 0:
        raise invalid({"since": "must be a sequence number (an integer >= 0)"})
    return since


async def service_events(request: web.Request) -> web.StreamResponse:
    # No Origin check: the stream is public (no cookie or credential), only capped per client.
    with live_slot(request, request.app[db.SETTINGS]):
        return await _service_events(request)


async def _service_events(request: web.Request) -> web.StreamResponse:
    app = request.app
    hub, relay = app[HUB], app[RELAY]
    slug = request.match_info["slug"]
    since = _sse_since(request)
    if slug not in await active_slugs(app, [slug]):
        raise not_found("service")
    topic = TOPIC_PREFIX + slug
    resp = web.StreamResponse(headers={
        "Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
    sub = hub.subscriber()
    _abortable(request, sub)
    try:
        if since is None:
            hub.add(sub, topic)
        else:
            sub.begin_replay(topic, since)
        await resp.prepare(request)
        _small_buffers(request, relay.config.socket_buffer)
        subscribed = json.dumps({"type": "subscribed", "topics": [topic], "seq": hub.last_seq})
        await resp.write(f"retry: 2000\nevent: subscribed\ndata: {subscribed}\n\n".encode())
        if since is not None:
            sub.end_replay(topic, await replay(app, slug, since))
        while True:
            items = await sub.take(relay.config.heartbeat)
            if not items:
                await resp.write(HEARTBEAT_SSE)
            for item in items:
                if isinstance(item, SlotChange):
                    await resp.write(item.sse)
                elif item is RESYNC:
                    await resp.write(RESYNC_SSE)
                elif item is DROPPED or item is SHUTDOWN:
                    return resp
    except ConnectionError:
        pass
    finally:
        sub.close()
    return resp
