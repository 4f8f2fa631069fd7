"""The database side of the live relay: one dedicated autocommit connection doing
`LISTEN booking_changes`, turning each change into `SlotChange` events for the hub.

* Each NOTIFY payload (ids and times) is enriched once, for all subscribers, with one
  query per batch of notifications: the service's slug and the affected slot's status
  and seats left from `api.slot_grid`. A reschedule also yields an event for the old slot.
* Keep-alive: when no notification arrives for `keepalive` seconds the connection runs
  `SELECT 1`, so a dead connection is noticed even when nothing is booked.
* When the connection is lost it reconnects with exponential backoff (with jitter),
  LISTENs again and replays what it missed from `api.changes_since`; if too much was
  missed to replay, every client gets a resync instead.

Notifications arrive in commit order, which is not always seq order (two transactions
can commit in the opposite order of their audit ids), so "already published" is a set
of recent seqs, not a high-water mark, and the replay after a reconnect starts a little
before the highest seq seen.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import random
import uuid
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

from edge.relay.hub import Hub, SlotChange

log = logging.getLogger("booker.live")

CHANNEL = "booking_changes"
APPLICATION_NAME = "booker-listener"

Conn = psycopg.AsyncConnection[Any]


@dataclass(frozen=True)
class RawChange:
    """One entry of the change feed (an audit row), as NOTIFY or api.changes_since give it."""

    seq: int
    type: str
    service_id: uuid.UUID
    starts_at: dt.datetime
    ends_at: dt.datetime
    old_starts_at: dt.datetime | None
    old_ends_at: dt.datetime | None
    status: str

    @classmethod
    def from_payload(cls, payload: str) -> RawChange:
        p = json.loads(payload)
        return cls(
            seq=int(p["seq"]),
            type=p["type"],
            service_id=uuid.UUID(p["service"]),
            starts_at=_ts(p["starts_at"]),
            ends_at=_ts(p["ends_at"]),
            old_starts_at=_ts(p.get("old_starts_at")) if p.get("old_starts_at") else None,
            old_ends_at=_ts(p.get("old_ends_at")) if p.get("old_ends_at") else None,
            status=p["status"],
        )

    def slots(self) -> list[tuple[dt.datetime, dt.datetime]]:
        """The slots this change affects: the old one first for a reschedule, then the current one."""
        out = []
        if self.old_starts_at is not None and self.old_ends_at is not None and (
            self.old_starts_at, self.old_ends_at) != (self.starts_at, self.ends_at):
            out.append((self.old_starts_at, self.old_ends_at))
        out.append((self.starts_at, self.ends_at))
        return out


def _ts(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value).astimezone(dt.UTC)


FEED_SQL = sql.SQL("""
SELECT c.seq, c.type, s.id, c.starts_at, c.ends_at, c.old_starts_at, c.old_ends_at, c.status
  FROM api.changes_since(%s, %s, %s) c
  JOIN api.services s ON s.slug = c.service
 ORDER BY c.seq
""")

# The slug, status and seats left of each (service, starts_at, ends_at) slot, in one round trip.
# Inactive services are filtered before api.slot_grid is called (it raises RB404 for them).
SLOTS_SQL = sql.SQL("""
WITH k AS (
    SELECT k.i, k.service_id, k.starts_at, k.ends_at, s.slug, s.active
      FROM unnest(%s::uuid[], %s::timestamptz[], %s::timestamptz[])
           WITH ORDINALITY AS k(service_id, starts_at, ends_at, i)
      JOIN api.services s ON s.id = k.service_id
)
SELECT k.i, k.slug, g.status, g.seats_left
  FROM k
  LEFT JOIN (
      SELECT a.i, g.status, g.seats_left
        FROM (SELECT * FROM k WHERE k.active) a
       CROSS JOIN LATERAL api.slot_grid(a.service_id::text, a.starts_at, a.ends_at) g
       WHERE g.starts_at = a.starts_at
  ) g ON g.i = k.i
""")


async def fetch_changes(conn: Conn, since: int, service: str | None, limit: int) -> list[RawChange]:
    """Changes after `since` (of one service slug, or all), oldest first, at most `limit`."""
    cur = await conn.execute(FEED_SQL, (since, service, limit))
    return [RawChange(*row) for row in await cur.fetchall()]


async def current_seq(conn: Conn) -> int:
    cur = await conn.execute("SELECT api.current_seq()")
    row = await cur.fetchone()
    return int(row[0]) if row else 0


async def enrich(conn: Conn, changes: Sequence[RawChange]) -> list[SlotChange]:
    """SlotChange events for these changes (two for a reschedule), with each slot's state now."""
    keys: dict[tuple[uuid.UUID, dt.datetime, dt.datetime], int] = {}
    for change in changes:
        for starts, ends in change.slots():
            keys.setdefault((change.service_id, starts, ends), len(keys) + 1)
    if not keys:
        return []
    ordered = list(keys)
    cur = await conn.execute(SLOTS_SQL, (
        [k[0] for k in ordered], [k[1] for k in ordered], [k[2] for k in ordered]))
    state: dict[int, tuple[str, str, int]] = {}
    for i, slug, status, seats_left in await cur.fetchall():
        # No grid row: the slot is no longer offered (off-grid, closed, service inactive).
        state[i] = (slug, status or "unavailable", seats_left or 0)
    events = []
    for change in changes:
        for starts, ends in change.slots():
            found = state.get(keys[(change.service_id, starts, ends)])
            if found is None:
                continue  # the service no longer exists
            slug, status, seats_left = found
            events.append(SlotChange(
                seq=change.seq, service=slug, starts_at=starts, ends_at=ends, status=status,
                seats_left=seats_left, change=change.type, booking_status=change.status))
    return events


async def connect(conninfo: str, application_name: str = APPLICATION_NAME) -> Conn:
    """An autocommit connection in UTC with a statement timeout, as the relay uses."""
    options: dict[str, Any] = {"connect_timeout": 5, "keepalives": 1, "keepalives_idle": 30,
                               "keepalives_interval": 10, "keepalives_count": 3}
    given = psycopg.conninfo.conninfo_to_dict(conninfo)
    conn = await psycopg.AsyncConnection.connect(
        conninfo, autocommit=True, application_name=application_name,
        **{k: v for k, v in options.items() if k not in given})
    await conn.execute("SET TimeZone = 'UTC'")
    await conn.execute("SET statement_timeout = '10s'")
    return conn


class Listener:
    """Runs in one background task (`start()`/`stop()`); publishes to `hub`."""

    def __init__(
        self,
        conninfo: str,
        hub: Hub,
        *,
        keepalive: float = 30.0,
        backoff_min: float = 0.1,
        backoff_max: float = 10.0,
        replay_limit: int = 1000,
        window: int = 256,
        application_name: str = APPLICATION_NAME,
    ) -> None:
        self.conninfo = conninfo
        self.hub = hub
        self.keepalive = keepalive
        self.backoff_min = backoff_min
        self.backoff_max = backoff_max
        self.replay_limit = replay_limit
        self.window = window
        self.application_name = application_name
        self.ready = asyncio.Event()  # set while LISTEN is active
        self.attempted = asyncio.Event()  # set once the first connection attempt succeeded or failed
        self.connects = 0
        self.resyncs = 0
        self._floor: int | None = None  # nothing at or below this is replayed (set on first connect)
        self._max_seen = 0
        self._recent: deque[int] = deque(maxlen=4 * window + 1024)
        self._recent_set: set[int] = set()
        self._task: asyncio.Task[None] | None = None

    # lifecycle

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self.run(), name="booker-listener")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass

    async def run(self) -> None:
        delay = self.backoff_min
        while True:
            connected = False
            try:
                async with await connect(self.conninfo, self.application_name) as conn:
                    connected = True
                    await self._serve(conn)
            except (psycopg.Error, OSError) as exc:
                first_line = next(iter(str(exc).strip().splitlines()), type(exc).__name__)
                log.warning("live listener: database connection lost (%s); reconnecting", first_line)
            finally:
                self.ready.clear()
                self.attempted.set()
            if connected:
                delay = self.backoff_min
            await asyncio.sleep(delay * random.uniform(0.5, 1.0))
            delay = min(delay * 2, self.backoff_max)

    # the connection's life

    async def _serve(self, conn: Conn) -> None:
        await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(CHANNEL)))
        if self._floor is None:
            self._floor = self._max_seen = await current_seq(conn)
            self.hub.last_seq = max(self.hub.last_seq, self._floor)
        else:
            await self._catch_up(conn)
        self.connects += 1
        self.ready.set()
        self.attempted.set()
        while True:
            notes = [n async for n in conn.notifies(timeout=self.keepalive, stop_after=1)]
            if not notes:
                await conn.execute("SELECT 1")  # keep-alive: fails fast on a dead connection
                continue
            changes = []
            for note in notes:
                try:
                    change = RawChange.from_payload(note.payload)
                except (ValueError, KeyError, TypeError):
                    log.warning("live listener: ignoring a malformed %s payload", note.channel)
                    continue
                if change.seq not in self._recent_set:
                    changes.append(change)
            await self._publish(conn, changes)

    async def _catch_up(self, conn: Conn) -> None:
        """After a reconnect: publish the changes committed while the connection was down."""
        assert self._floor is not None
        start = max(self._floor, self._max_seen - self.window)
        rows = await fetch_changes(conn, start, None, self.replay_limit + 1)
        if len(rows) > self.replay_limit:
            self.resyncs += 1
            log.warning("live listener: more than %d changes missed; clients resync", self.replay_limit)
            self.hub.resync_all()
            self._floor = self._max_seen = await current_seq(conn)
            return
        missed = [r for r in rows if r.seq not in self._recent_set]
        if missed:
            log.info("live listener: replaying %d missed changes", len(missed))
        await self._publish(conn, missed)

    async def _publish(self, conn: Conn, changes: Sequence[RawChange]) -> None:
        if not changes:
            return
        try:
            events = await enrich(conn, changes)
        except psycopg.Error:
            if conn.broken or conn.closed:
                raise
            # Not the connection: one change the query cannot handle. Enrich one by one and skip
            # the culprit, or it would come back with every replay.
            events = []
            for change in changes:
                try:
                    events += await enrich(conn, [change])
                except psycopg.Error as exc:
                    if conn.broken or conn.closed:
                        raise
                    log.error("live listener: skipping change %d: %s", change.seq, exc.sqlstate)
        self._remember(c.seq for c in changes)
        chunk = max(1, self.hub.queue_limit // 4)
        for i in range(0, len(events), chunk):
            if i:
                await asyncio.sleep(0)  # let the writers drain what they have been given
            for event in events[i:i + chunk]:
                self.hub.publish(event)

    def _remember(self, seqs: Iterable[int]) -> None:
        for seq in seqs:
            if len(self._recent) == self._recent.maxlen:
                self._recent_set.discard(self._recent[0])
            self._recent.append(seq)
            self._recent_set.add(seq)
            self._max_seen = max(self._max_seen, seq)
