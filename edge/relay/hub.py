"""Fan-out of slot changes to live subscribers (WebSocket and SSE). No SQL here.

The listener publishes `SlotChange` events that already carry everything a client
needs (slug, times, slot status, seats left), so publishing is a loop of
`put_nowait` calls: each event is serialised once, not once per subscriber.

Every subscriber has its own bounded queue. When a client does not read, its
writer blocks on the socket, its queue fills, and the hub drops it on the next
event; other subscribers never wait for it. The listener publishes in chunks of at
most a quarter of the bound and yields to the event loop between chunks, so a burst
(thousands of changes committed at once) drops only clients whose writers are stuck.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Final

log = logging.getLogger("booker.live")


def _iso(value: dt.datetime) -> str:
    return value.isoformat()


@dataclass(frozen=True, eq=False)
class SlotChange:
    """One slot whose state changed; a reschedule gives two (old slot, new slot) with one seq."""

    seq: int
    service: str  # slug
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str  # the slot's status now: available | booked | unavailable
    seats_left: int
    change: str  # what happened to the booking (the audit action: created, held, cancelled, rescheduled, ...)
    booking_status: str  # the booking's status after the change

    @property
    def topic(self) -> str:
        return f"service:{self.service}"

    def as_json(self) -> dict[str, Any]:
        return {
            "type": "slot.changed",
            "seq": self.seq,
            "service": self.service,
            "starts_at": _iso(self.starts_at),
            "ends_at": _iso(self.ends_at),
            "status": self.status,
            "seats_left": self.seats_left,
            "change": self.change,
            "booking_status": self.booking_status,
        }

    # frozen dataclasses still have a __dict__, so cached_property works: one encoding per event.
    @cached_property
    def text(self) -> str:
        """The WebSocket message."""
        return json.dumps(self.as_json(), separators=(",", ":"))

    @cached_property
    def ws_frame(self) -> bytes:
        """The whole WebSocket text frame (server frames are not masked, so every client gets
        the same bytes): encoded once, written straight to idle clients' transports."""
        payload = self.text.encode()
        n = len(payload)
        if n < 126:
            header = bytes([0x81, n])
        elif n < 1 << 16:
            header = bytes([0x81, 126]) + n.to_bytes(2, "big")
        else:
            header = bytes([0x81, 127]) + n.to_bytes(8, "big")
        return header + payload

    @cached_property
    def sse(self) -> bytes:
        """The Server-Sent Events frame."""
        return f"id: {self.seq}\nevent: slot.changed\ndata: {self.text}\n\n".encode()


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.name}>"


# Queue items besides SlotChange: the client must refetch; the subscriber was dropped
# (too slow); the edge is shutting down.
RESYNC: Final = _Marker("resync")
DROPPED: Final = _Marker("dropped")
SHUTDOWN: Final = _Marker("shutdown")


@dataclass(frozen=True)
class Reply:
    """A message for this client only (subscribed, error, pong), sent in order with its events."""

    data: dict[str, Any]

    @property
    def text(self) -> str:
        return json.dumps(self.data, separators=(",", ":"))


Item = SlotChange | Reply | _Marker


@dataclass(eq=False)
class Subscriber:
    """One live client: the topics it follows and its bounded queue of items to send."""

    hub: Hub
    limit: int
    topics: set[str] = field(default_factory=set)
    dropped: bool = False
    queue: asyncio.Queue[Item] = field(default_factory=asyncio.Queue)
    # topic -> live events held back while that topic's missed changes are replayed
    held: dict[str, list[SlotChange]] = field(default_factory=dict)
    since: dict[str, int] = field(default_factory=dict)  # topic -> the replay's starting seq
    overflowed: set[str] = field(default_factory=set)
    # cuts the client's connection: called when the hub drops it (its writer is most likely
    # blocked on a full socket, so a close frame would never arrive) and at shutdown
    abort: Callable[[], None] | None = None
    # fast path: hands an event straight to an idle client's transport; False when it cannot
    direct: Callable[[SlotChange], bool] | None = None
    busy: bool = False  # the writer holds items it has not finished sending

    def offer(self, item: Item, topic: str | None = None) -> None:
        """Called by the hub: queue an item, or drop this subscriber if it is too far behind."""
        if self.dropped:
            return
        if topic is not None and topic in self.held:
            if len(self.held[topic]) >= self.limit:
                self.overflowed.add(topic)  # replay ends with a resync instead
            elif isinstance(item, SlotChange):
                self.held[topic].append(item)
            return
        if (self.direct is not None and not self.busy and self.queue.empty()
                and isinstance(item, SlotChange) and self.direct(item)):
            return
        if self.queue.qsize() >= self.limit:
            self.drop()
            return
        self.queue.put_nowait(item)

    def drop(self) -> None:
        """Forget everything queued and wake the writer with DROPPED; the hub forgets us."""
        if self.dropped:
            return
        self.dropped = True
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait(DROPPED)
        self.hub.forget(self)
        self.hub.dropped += 1
        log.info("live subscriber dropped: more than %d items behind", self.limit)
        if self.abort is not None:
            self.abort()

    def reply(self, data: dict[str, Any]) -> None:
        """Queue a message for this client; the bound applies too (a client that sends
        pings but never reads the pongs is slow like any other)."""
        self.offer(Reply(data))

    async def take(self, idle: float) -> list[Item]:
        """Everything queued (waiting for at least one item), or [] after `idle` quiet seconds
        (time to send a heartbeat). Taking all at once lets a writer drain a burst in one go."""
        if self.queue.empty():
            try:
                async with asyncio.timeout(idle):
                    first = await self.queue.get()
            except TimeoutError:
                return []
            items = [first]
        else:
            items = []
        while not self.queue.empty():
            items.append(self.queue.get_nowait())
        return items

    # Replay: follow a topic at once but hold its live events back until the missed ones are queued.

    def begin_replay(self, topic: str, since: int) -> None:
        self.held[topic] = []
        self.since[topic] = since
        self.overflowed.discard(topic)
        self.hub.add(self, topic)

    def end_replay(self, topic: str, replayed: list[SlotChange] | None) -> None:
        """Queue the replayed events, then the held live ones that the replay did not already contain
        (so no duplicates and no gaps). `replayed=None` means the changes could not be replayed:
        the client gets a resync (it refetches, which covers the held events too) and then the
        live events from here on."""
        held = self.held.pop(topic, [])
        since = self.since.pop(topic, 0)
        if self.dropped:
            return
        if replayed is None or topic in self.overflowed:
            self.overflowed.discard(topic)
            self.queue.put_nowait(RESYNC)
            return
        seen = {e.seq for e in replayed}
        for event in replayed:
            self.queue.put_nowait(event)  # a replay may exceed the bound once; live events may not
        for event in held:
            # the client has everything up to `since`, and the replay may have this one already
            if event.seq > since and event.seq not in seen:
                self.offer(event)

    def close(self) -> None:
        """The connection ended: forget this subscriber."""
        self.hub.forget(self)


class Hub:
    """Topics -> subscribers. Single-threaded (the event loop), so no locks."""

    def __init__(self, queue_limit: int = 256) -> None:
        self.queue_limit = queue_limit
        self._topics: dict[str, set[Subscriber]] = defaultdict(set)
        self._clients: set[Subscriber] = set()  # every connected client, subscribed or not
        self.last_seq = 0  # the highest seq published so far
        self.published = 0
        self.dropped = 0
        self._gone: asyncio.Event | None = None  # set when the last client leaves during shutdown

    @property
    def subscriber_count(self) -> int:
        return len(self._clients)

    def subscriber(self) -> Subscriber:
        """A new client; call `close()` on it when its connection ends."""
        sub = Subscriber(self, self.queue_limit)
        self._clients.add(sub)
        return sub

    def topic_count(self, topic: str) -> int:
        return len(self._topics.get(topic, ()))

    def add(self, sub: Subscriber, topic: str) -> None:
        if sub.dropped:
            return
        sub.topics.add(topic)
        self._topics[topic].add(sub)

    def remove(self, sub: Subscriber, topic: str) -> None:
        sub.topics.discard(topic)
        sub.held.pop(topic, None)
        sub.since.pop(topic, None)
        subs = self._topics.get(topic)
        if subs is not None:
            subs.discard(sub)
            if not subs:
                del self._topics[topic]

    def forget(self, sub: Subscriber) -> None:
        for topic in list(sub.topics):
            self.remove(sub, topic)
        self._clients.discard(sub)
        if not self._clients and self._gone is not None:
            self._gone.set()

    def publish(self, event: SlotChange) -> None:
        self.published += 1
        self.last_seq = max(self.last_seq, event.seq)
        topic = event.topic
        # a copy: offer() may drop a subscriber, which removes it from this set
        for sub in list(self._topics.get(topic, ())):
            sub.offer(event, topic)

    def resync_all(self) -> None:
        """Changes were lost (the listener could not replay them): every client must refetch."""
        for sub in list(self._clients):
            if not sub.topics:
                continue
            for topic in list(sub.held):
                sub.overflowed.add(topic)
            sub.offer(RESYNC)

    async def shutdown(self, grace: float = 1.0) -> None:
        """The edge is stopping: wake every client's writer with SHUTDOWN so its handler ends,
        and cut the connections of those still there after `grace` seconds."""
        for sub in list(self._clients):
            if not sub.dropped:
                sub.queue.put_nowait(SHUTDOWN)
        self._gone = asyncio.Event()
        if self._clients:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._gone.wait(), grace)
        for sub in list(self._clients):
            if sub.abort is not None:
                sub.abort()
