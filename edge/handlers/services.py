"""The public catalogue: GET /services, /services/{slug}, /services/{slug}/slots, /availability."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections import OrderedDict
from typing import Any

from aiohttp import web

from edge import db
from edge.auth import current_user
from edge.errors import invalid, not_found
from edge.http import Fields, dumps, json_response, page_params, paginated

DEFAULT_DAYS = 7


async def list_services(request: web.Request) -> web.Response:
    principal = await current_user(request)
    page, limit = page_params(request, max_limit=50)
    f = Fields(request.query)
    search = f.text("search", max_len=200)
    sort = f.choice("sort", ("name", "price", "starts_at"), default="name")
    order = f.choice("order", ("asc", "desc"), default="asc")
    f.check()
    params = {"search": search, "sort": sort, "desc": order == "desc", "members": principal is not None}
    sql = """SELECT service, total FROM api.service_catalogue(
                 p_search => %(search)s, p_sort => %(sort)s, p_descending => %(desc)s,
                 p_limit => %(limit)s, p_offset => %(offset)s, p_members => %(members)s)"""
    rows = await db.query(request, sql, {**params, "limit": limit, "offset": (page - 1) * limit})
    if rows:
        total = int(rows[0]["total"])
    else:
        first = await db.query(request, sql, {**params, "limit": 1, "offset": 0})
        total = int(first[0]["total"]) if first else 0
    return json_response(paginated([r["service"] for r in rows], total, page, limit))


async def get_service(request: web.Request) -> web.Response:
    row = await db.query_one(
        request,
        """SELECT jsonb_build_object(
                   'id', s.id, 'slug', s.slug, 'name', s.name, 'description', s.description,
                   'duration_minutes', s.duration_minutes, 'slot_step_minutes', s.slot_step_minutes,
                   'buffer_before_minutes', s.buffer_before_minutes,
                   'buffer_after_minutes', s.buffer_after_minutes,
                   'min_notice_minutes', s.min_notice_minutes, 'max_advance_days', s.max_advance_days,
                   'cancellation_cutoff_minutes', s.cancellation_cutoff_minutes,
                   'price', s.price::text, 'currency', s.currency,
                   'max_seats_per_booking', s.max_seats_per_booking,
                   'requires_confirmation', s.requires_confirmation, 'visibility', s.visibility,
                   'venue', s.venue, 'starts_at', lower(s.fixed_window), 'ends_at', upper(s.fixed_window),
                   'resources', coalesce((
                       SELECT jsonb_agg(jsonb_build_object(
                                  'slug', r.slug, 'name', r.name, 'kind', r.kind, 'capacity', r.capacity,
                                  'timezone', r.timezone, 'location', r.location,
                                  'description', r.description)
                              ORDER BY r.slug)
                         FROM booking.service_resources sr JOIN booking.resources r ON r.id = sr.resource_id
                        WHERE sr.service_id = s.id AND r.active), '[]')) AS service
             FROM booking.services s
            WHERE s.slug = %s AND s.active""",
        (request.match_info["slug"],),
    )
    if row is None:
        raise not_found("service")
    return json_response(row["service"])


def _range(f: Fields) -> tuple[dt.datetime, dt.datetime]:
    start = f.instant("from")
    end = f.instant("to")
    f.check()
    if start is None:
        now = dt.datetime.now(dt.UTC)
        start = now.replace(minute=(now.minute // 15) * 15, second=0, microsecond=0)
    if end is None:
        end = start + dt.timedelta(days=DEFAULT_DAYS)
    if end <= start:
        raise invalid({"to": "must be after from"})
    if end - start > dt.timedelta(days=62):
        raise invalid({"to": "the range may span at most 62 days"})
    return start, end


SlotKey = tuple[str, dt.datetime, dt.datetime]


class SlotCache:
    """A micro-cache of rendered slot grids, valid while no booking changed (the change
    sequence is unchanged) and for at most `ttl` seconds (opening hours, closures and the
    passing of time are not in the sequence). Concurrent misses for one grid share one query."""

    def __init__(self, ttl: float = 1.0, size: int = 512) -> None:
        self.ttl = ttl
        self.size = size
        self.entries: OrderedDict[SlotKey, tuple[int, float, str]] = OrderedDict()
        self.inflight: dict[tuple[SlotKey, int], asyncio.Future[str]] = {}

    def get(self, key: SlotKey, seq: int) -> str | None:
        entry = self.entries.get(key)
        if entry is None or entry[0] < seq or entry[1] < time.monotonic():
            return None
        self.entries.move_to_end(key)
        return entry[2]

    def put(self, key: SlotKey, seq: int, body: str) -> None:
        self.entries[key] = (seq, time.monotonic() + self.ttl, body)
        self.entries.move_to_end(key)
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)


SLOT_CACHE = web.AppKey("slot_cache", SlotCache)


async def _render_slots(request: web.Request, slug: str, start: dt.datetime,
                        end: dt.datetime) -> tuple[int, str]:
    row = await db.query_one(
        request,
        """SELECT api.current_seq() AS seq,
                  coalesce((SELECT json_agg(json_build_object(
                                'starts_at', g.starts_at, 'ends_at', g.ends_at,
                                'status', g.status, 'seats_left', coalesce(g.seats_left, 0))
                            ORDER BY g.starts_at)
                              FROM api.slot_grid(%s, %s, %s) g)::text, '[]') AS slots""",
        (slug, start, end),
    )
    assert row
    head = dumps({"service": slug, "from": start, "to": end, "seq": row["seq"]})
    return int(row["seq"]), f'{head[:-1]},"slots":{row["slots"]}}}'


async def slots(request: web.Request) -> web.Response:
    """Every slot in the range with its status, and the change sequence read before them
    (one statement, one snapshot), so a live client resumes from `seq` without a gap.
    The hot path of every calendar: PostgreSQL renders the slots' JSON text, which is
    passed through without being parsed and re-encoded, and SlotCache serves repeats."""
    start, end = _range(Fields(request.query))
    slug = request.match_info["slug"]
    key = (slug, start, end)
    cache = request.app[SLOT_CACHE]
    current = await db.query_one(request, "SELECT api.current_seq() AS seq")
    seq = int(current["seq"]) if current else 0
    body = cache.get(key, seq)
    if body is None:
        flight = (key, seq)
        if flight in cache.inflight:
            leader = cache.inflight[flight]
            try:
                body = await asyncio.shield(leader)
            except asyncio.CancelledError:
                if not leader.cancelled():
                    raise  # this request itself was cancelled
                body = (await _render_slots(request, slug, start, end))[1]
        else:
            future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
            cache.inflight[flight] = future
            try:
                fresh_seq, body = await _render_slots(request, slug, start, end)
                cache.put(key, fresh_seq, body)
                future.set_result(body)
            except asyncio.CancelledError:
                future.cancel()
                raise
            except Exception as exc:
                future.set_exception(exc)
                future.exception()  # retrieved: the waiters (if any) re-raise it themselves
                raise
            finally:
                del cache.inflight[flight]
    return web.Response(text=body, content_type="application/json")


async def availability(request: web.Request) -> web.Response:
    f = Fields(request.query)
    service = f.text("service", required=True, max_len=200)
    resource = f.text("resource", max_len=200)
    start, end = _range(f)
    rows = await db.query(
        request,
        "SELECT resource, resource_name, timezone, starts_at, ends_at, seats_left "
        "FROM api.availability(%s, %s, %s, %s)",
        (service, start, end, resource),
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
