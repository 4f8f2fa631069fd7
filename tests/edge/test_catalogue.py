"""The public catalogue: /services (search, sort, paging, seats_left, next_available),
/services/{slug}, /services/{slug}/slots ({slots, seq}) and /availability."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiohttp.test_utils import TestClient

from tests.edge.conftest import GUEST, Users, free_slots

API = "/api/v1"


async def test_catalogue_lists_public_services(client: TestClient[Any, Any], users: Users) -> None:
    body = await (await client.get(f"{API}/services")).json()
    slugs = [s["slug"] for s in body["data"]]
    names = [s["name"].lower() for s in body["data"]]
    assert names == sorted(names)
    assert "expert-call" not in slugs  # members only
    assert body["meta"] == {"total": 4, "page": 1, "limit": 20, "total_pages": 1}
    concert = next(s for s in body["data"] if s["slug"] == "limited-concert")
    assert concert["seats_left"] == 2 and concert["capacity"] == 2 and concert["price"] == "49.00"
    assert concert["next_available"] == concert["starts_at"]
    consult = next(s for s in body["data"] if s["slug"] == "consultation")
    assert consult["seats_left"] is None and consult["next_available"]
    signed_in = await (await client.get(f"{API}/services", headers=users.headers("member"))).json()
    assert "expert-call" in [s["slug"] for s in signed_in["data"]]


async def test_catalogue_search_sort_page(client: TestClient[Any, Any]) -> None:
    found = await (await client.get(f"{API}/services", params={"search": "CONCERT"})).json()
    assert [s["slug"] for s in found["data"]] == ["limited-concert"]
    assert (await (await client.get(f"{API}/services", params={"search": "100%_"})).json())["data"] == []
    by_price = await (await client.get(f"{API}/services", params={"sort": "price", "order": "desc"})).json()
    prices = [float(s["price"]) for s in by_price["data"]]
    assert prices == sorted(prices, reverse=True)
    by_start = await (await client.get(f"{API}/services", params={"sort": "starts_at"})).json()
    starts = [s["starts_at"] or s["next_available"] for s in by_start["data"]]
    assert starts == sorted(starts)
    paged = await (await client.get(f"{API}/services", params={"limit": 3, "page": 2})).json()
    assert len(paged["data"]) == 1 and paged["meta"] == {"total": 4, "page": 2, "limit": 3, "total_pages": 2}
    beyond = await (await client.get(f"{API}/services", params={"limit": 3, "page": 9})).json()
    assert beyond["data"] == [] and beyond["meta"]["total"] == 4
    for params in ({"limit": 51}, {"page": 0}, {"sort": "colour"}, {"order": "up"}, {"limit": "x"}):
        resp = await client.get(f"{API}/services", params=params)
        assert resp.status == 422, params
        assert resp.content_type == "application/problem+json"


async def test_seats_left_follow_bookings(client: TestClient[Any, Any]) -> None:
    start = (await free_slots(client, "limited-concert", days=10))[0]
    resp = await client.post(f"{API}/bookings", json={"service": "limited-concert", "starts_at": start,
                                                      "attendee": GUEST})
    assert resp.status == 201
    body = await (await client.get(f"{API}/services", params={"search": "concert"})).json()
    assert body["data"][0]["seats_left"] == 1


async def test_service_detail(client: TestClient[Any, Any]) -> None:
    body = await (await client.get(f"{API}/services/consultation")).json()
    assert body["duration_minutes"] == 30 and body["buffer_after_minutes"] == 15
    assert [r["slug"] for r in body["resources"]] == ["provider-ana", "provider-ben"]
    assert "owner" not in body["resources"][0] and "email" not in body["resources"][0]
    assert (await client.get(f"{API}/services/nope")).status == 404


async def test_slots_carry_seq_read_before_them(client: TestClient[Any, Any], users: Users) -> None:
    first = await (await client.get(f"{API}/services/meeting-room/slots")).json()
    assert first["seq"] == 0 and first["slots"]
    assert {s["status"] for s in first["slots"]} <= {"available", "booked", "unavailable"}
    start = next(s["starts_at"] for s in first["slots"] if s["seats_left"] == 2)  # both rooms open
    for user in ("member", "ana"):
        resp = await client.post(f"{API}/bookings", json={"service": "meeting-room", "starts_at": start},
                                 headers=users.headers(user))
        assert resp.status == 201
    second = await (await client.get(f"{API}/services/meeting-room/slots")).json()
    assert second["seq"] == 2
    slot = next(s for s in second["slots"] if s["starts_at"] == start)
    assert slot["status"] == "booked" and slot["seats_left"] == 0


async def test_slots_range_errors(client: TestClient[Any, Any]) -> None:
    now = dt.datetime.now(dt.UTC)
    too_long = {"from": now.isoformat(), "to": (now + dt.timedelta(days=63)).isoformat()}
    assert (await client.get(f"{API}/services/consultation/slots", params=too_long)).status == 422
    backwards = {"from": now.isoformat(), "to": (now - dt.timedelta(days=1)).isoformat()}
    assert (await client.get(f"{API}/services/consultation/slots", params=backwards)).status == 422
    naive = {"from": "2030-01-01T00:00:00"}
    body = await (await client.get(f"{API}/services/consultation/slots", params=naive)).json()
    assert body["errors"] == {"from": "must include a UTC offset, e.g. +02:00 or Z"}
    assert (await client.get(f"{API}/services/nope/slots")).status == 404


async def test_availability_grouped_by_resource(client: TestClient[Any, Any]) -> None:
    body = await (await client.get(f"{API}/availability", params={"service": "consultation"})).json()
    assert [r["resource"] for r in body["resources"]] == ["provider-ana", "provider-ben"]
    assert body["next_available"] == min(r["next_available"] for r in body["resources"])
    ana = body["resources"][0]
    assert ana["timezone"] == "Europe/Berlin" and ana["slots"][0]["seats_left"] == 1
    one = await (await client.get(f"{API}/availability", params={"service": "consultation",
                                                                  "resource": "provider-ben"})).json()
    assert [r["resource"] for r in one["resources"]] == ["provider-ben"]
    assert (await client.get(f"{API}/availability")).status == 422
    assert (await client.get(f"{API}/availability", params={"service": "consultation",
                                                            "resource": "room-nyc"})).status == 404


async def test_slot_grid_cache_is_invalidated_by_bookings_and_shared_by_concurrent_readers(
        client: TestClient[Any, Any], users: Users, db_url: str) -> None:
    import asyncio

    url = f"{API}/services/meeting-room/slots"
    params = {"from": "2030-01-07T00:00:00Z", "to": "2030-01-08T00:00:00Z"}
    first = await asyncio.gather(*(client.get(url, params=params) for _ in range(8)))
    bodies = {await r.text() for r in first}
    assert len(bodies) == 1 and all(r.status == 200 for r in first)
    assert await (await client.get(url, params=params)).text() in bodies  # served from the cache
    # a booking changes the sequence: the next read is fresh, not the cached grid
    start = (await free_slots(client, "meeting-room", resource="room-berlin"))[0]
    day = {"from": start, "to": start[:10] + "T23:45:00+00:00"}
    before = await (await client.get(url, params=day)).json()
    assert next(s for s in before["slots"] if s["starts_at"] == start)["seats_left"] >= 1
    body = {"service": "meeting-room", "starts_at": start, "resource": "room-berlin"}
    booked = await client.post(f"{API}/bookings", json=body, headers=users.headers("member"))
    assert booked.status == 201
    after = await (await client.get(url, params=day)).json()
    assert after["seq"] > before["seq"]
    assert next(s for s in after["slots"] if s["starts_at"] == start)["seats_left"] == (
        next(s for s in before["slots"] if s["starts_at"] == start)["seats_left"] - 1)
    # a failing grid is not cached, and every concurrent reader gets the error
    nope = f"{API}/services/nope/slots"
    errors = await asyncio.gather(*(client.get(nope, params=params) for _ in range(4)))
    assert [r.status for r in errors] == [404] * 4


async def test_stale_grid_is_served_while_one_query_refreshes_it(client: TestClient[Any, Any]) -> None:
    import asyncio

    from edge.handlers import services

    now = [1000.0]
    cache = client.app[services.SLOT_CACHE]
    cache.clock = lambda: now[0]  # the cache's clock only; the event loop keeps real time
    url = f"{API}/services/meeting-room/slots"
    params = {"from": "2030-01-07T00:00:00Z", "to": "2030-01-08T00:00:00Z"}
    first = await (await client.get(url, params=params)).text()
    (key, entry), = cache.entries.items()
    now[0] += cache.ttl * 1.5  # stale, not expired: served at once, refreshed behind
    assert await (await client.get(url, params=params)).text() == first
    for _ in range(200):
        if not cache.inflight:
            break
        await asyncio.sleep(0.01)
    assert cache.entries[key] is not entry and cache.entries[key][1] == now[0]
    now[0] += cache.ttl * 3  # expired: the next reader waits for a fresh grid
    assert await (await client.get(url, params=params)).text() == first
    assert cache.entries[key][1] == now[0]
