"""The public catalogue: GET /services, /services/{slug}, /services/{slug}/slots, /availability.

Every one of them is a public read: it goes to the replica when BOOKER_READ_DATABASE_URL is
set and the lag guard allows it (edge.db.ReadRouter), with `since` (slots, availability) the
change sequence the client already knows, which the replica must have replayed."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections import OrderedDict
from typing import Any

from aiohttp import web
from psycopg_pool import AsyncConnectionPool

from edge import db
from edge.auth import current_user
from edge.http import Fields, dumps, json_response, page_params

DEFAULT_DAYS = 7


async def list_services(request: web.Request) -> web.Response:
    principal = await current_user(request)
    page, limit = page_params(request, max_limit=50)
    f = Fields(request.query)
    search = f.text("search", max_len=200)
    sort = f.text("sort", max_len=50) or "name"
    order = f.choice("order", ("asc", "desc"), default="asc")
    f.check()
    row = await db.query_one(
        request,
        """SELECT api.service_catalogue(p_search => %s, p_sort => %s, p_descending => %s,
                                       p_page => %s, p_limit => %s, p_members => %s) AS v""",
        (search, sort, order == "desc", page, limit, principal is not None), on=await db.read_pool(request))
    assert row
    return json_response(row["v"])


async def get_service(request: web.Request) -> web.Response:
    row = await db.query_one(request, "SELECT api.service_detail(%s) AS v", (request.match_info["slug"],),
                             on=await db.read_pool(request))
    assert row
    return json_response(row["v"])


def _range(f: Fields) -> tuple[dt.datetime, dt.datetime]:
    """The requested range, by default a week from now; its limits are the database's
    (internal.check_range: ordered, at most 62 days)."""
    start = f.instant("from")
    end = f.instant("to")
    f.check()
    if start is None:
        now = dt.datetime.now(dt.UTC)
        start = now.replace(minute=(now.minute // 15) * 15, second=0, microsecond=0)
    if end is None:
        end = start + dt.timedelta(days=DEFAULT_DAYS)
    return start, end


def _since(f: Fields) -> int:
    """The change sequence the client already knows (a `seq` of an answer or a live event):
    the replica must have replayed it to serve this read."""
    return f.integer("since", lo=0, hi=2**63 - 1) or 0


SlotKey = tuple[str, dt.datetime, dt.datetime, str | None]  # slug, from, to, resource


class SlotCache:
    """A micro-cache of rendered slot grids. An entry serves while no booking changed
    anywhere (the change sequence is unchanged): fresh for `ttl` seconds, then for another
    `ttl` as a stale copy while one background query refreshes it (opening hours,
    closures and the passing of time are not in the sequence, so at most 2 x ttl late).
    Concurrent misses for one grid share one query."""

    def __init__(self, ttl: float = 0.5, size: int = 512) -> None:
        self.ttl = ttl
        self.size = size
        self.entries: OrderedDict[SlotKey, tuple[int, float, str]] = OrderedDict()
        self.inflight: dict[tuple[SlotKey, int], asyncio.Task[str]] = {}
        self.clock = time.monotonic

    def lookup(self, key: SlotKey, seq: int) -> tuple[str | None, bool]:
        """(body or None, whether to refresh it)."""
        entry = self.entries.get(key)
        if entry is None or entry[0] < seq:
            return None, True
        age = self.clock() - entry[1]
        if age > 2 * self.ttl:
            return None, True
        self.entries.move_to_end(key)
        return entry[2], age > self.ttl

    def put(self, key: SlotKey, seq: int, body: str) -> None:
        self.entries[key] = (seq, self.clock(), body)
        self.entries.move_to_end(key)
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)

    def fill(self, app: web.Application, key: SlotKey, seq: int,
             on: AsyncConnectionPool | None = None) -> asyncio.Task[str]:
        """The one query that (re)renders this grid (on the pool `on`, default the primary's),
        started unless already running."""
        flight = (key, seq)
        task = self.inflight.get(flight)
        if task is None:
            task = asyncio.create_task(self._render(app, key, on))
            self.inflight[flight] = task
            task.add_done_callback(lambda t: self._done(flight, t))
        return task

    async def close(self, app: web.Application) -> None:
        """on_shutdown: stop refreshes before the pool closes."""
        for task in list(self.inflight.values()):
            task.cancel()
        await asyncio.gather(*self.inflight.values(), return_exceptions=True)

    def _done(self, flight: tuple[SlotKey, int], task: asyncio.Task[str]) -> None:
        self.inflight.pop(flight, None)
        if not task.cancelled():
            task.exception()  # retrieved: whoever awaited it has re-raised it already

    async def _render(self, app: web.Application, key: SlotKey, on: AsyncConnectionPool | None) -> str:
        slug, start, end, resource = key
        row = await db.query_one(
            app,
            """SELECT api.current_seq() AS seq,
                      coalesce((SELECT json_agg(json_build_object(
                                    'starts_at', g.starts_at, 'ends_at', g.ends_at,
                                    'status', g.status, 'seats_left', coalesce(g.seats_left, 0))
                                ORDER BY g.starts_at)
                                  FROM api.slot_grid(%s, %s, %s, %s) g)::text, '[]') AS slots""",
            (slug, start, end, resource), on=on,
        )
        assert row
        head = dumps({"service": slug, "from": start, "to": end, "seq": row["seq"]}
                     | ({"resource": resource} if resource is not None else {}))
        body = f'{head[:-1]},"slots":{row["slots"]}}}'
        self.put(key, int(row["seq"]), body)
        return body


SLOT_CACHE = web.AppKey("slot_cache", SlotCache)


async def slots(request: web.Request) -> web.Response:
    """Every slot in the range with its status, and the change sequence read before them
    (one statement, one snapshot), so a live client resumes from `seq` without a gap.
    The hot path of every calendar: PostgreSQL renders the slots' JSON text, which is
    passed through without being parsed and re-encoded, and SlotCache serves repeats."""
    f = Fields(request.query)
    since = _since(f)
    resource = f.text("resource", max_len=200)  # one of the service's resources: api.slot_grid's rule
    start, end = _range(f)
    key = (request.match_info["slug"], start, end, resource)
    cache = request.app[SLOT_CACHE]
    pool, replica_seq = await db.read_route(request, since)
    if replica_seq is None:
        current = await db.query_one(request, "SELECT api.current_seq() AS seq", on=pool)
        seq = int(current["seq"]) if current else 0
    else:
        seq = replica_seq  # the lag guard read it on the replica
    body, refresh = cache.lookup(key, seq)
    if body is None:
        body = await asyncio.shield(cache.fill(request.app, key, seq, pool))
    elif refresh:
        cache.fill(request.app, key, seq, pool)
    return web.Response(text=body, content_type="application/json")


async def availability(request: web.Request) -> web.Response:
    f = Fields(request.query)
    service = f.text("service", required=True, max_len=200)
    resource = f.text("resource", max_len=200)
    since = _since(f)
    start, end = _range(f)
    rows = await db.query(
        request,
        "SELECT resource, resource_name, timezone, starts_at, ends_at, seats_left "
        "FROM api.availability(%s, %s, %s, %s)",
        (service, start, end, resource), on=await db.read_pool(request, since),
    )
    groups: dict[str, dict[str, Any]] = {}
    for r in rows:
        group = groups.setdefault(r["resource"], {
            "resource": r["resource"], "name": r["resource_name"], "timezone": r["timezone"],
            "next_available": r["starts_at"], "slots": []})
        group["slots"].append({"starts_at": r["starts_at"], "ends_at": r["ends_at"],
                               "seats_left": r["seats_left"]})
    first = min((r["starts_at"] for r in rows), default=None)
    return json_response({"service": service, "from": start, "to": end, "next_available": first,
                          "resources": list(groups.values())})
