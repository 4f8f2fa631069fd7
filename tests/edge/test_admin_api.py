"""The admin, catalogue and me endpoints answer from one api.* call each: the rules
(weekly-rule overlaps, the LIKE escaping of the search, statuses, the 62-day range) and
the page shape (totals past the last page) are the database's."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiohttp.test_utils import TestClient

from tests.edge.conftest import GUEST, Users, free_slots

API = "/api/v1"


async def test_overlapping_rules_are_a_422_naming_the_rule(client: TestClient[Any, Any],
                                                           users: Users) -> None:
    h = users.headers("admin")
    resource = await (await client.post(f"{API}/admin/resources", headers=h, json={
        "slug": "room-porto", "name": "Porto", "timezone": "Europe/Lisbon"})).json()
    url = f"{API}/admin/resources/{resource['id']}/rules"
    overlap = await client.put(url, headers=h, json={"rules": [
        {"weekday": 1, "start": "09:00", "end": "12:00"}, {"weekday": 2, "start": "09:00", "end": "12:00"},
        {"weekday": 1, "start": "11:00", "end": "13:00"}]})
    assert overlap.status == 422
    assert (await overlap.json())["errors"] == {"rules[2]": "overlaps another rule of the same weekday"}
    seasons = await client.put(url, headers=h, json={"rules": [
        {"weekday": 1, "start": "09:00", "end": "12:00", "valid_until": "2030-06-30"},
        {"weekday": 1, "start": "11:00", "end": "13:00", "valid_from": "2030-07-01"}]})
    assert seasons.status == 200 and len(await seasons.json()) == 2


async def test_admin_search_takes_wildcards_literally(client: TestClient[Any, Any], users: Users) -> None:
    h = users.headers("admin")
    start = (await free_slots(client, "meeting-room"))[0]
    booked = await client.post(f"{API}/bookings", json={"service": "meeting-room", "starts_at": start,
                                                        "attendee": {**GUEST, "name": "Ana 100% sure"}})
    assert booked.status == 201, await booked.text()
    for q, total in (("100%", 1), ("%", 1), ("_", 0), ("Ana 1_0", 0)):
        page = await (await client.get(f"{API}/admin/bookings", params={"q": q}, headers=h)).json()
        assert page["meta"]["total"] == total, q


async def test_pages_count_past_the_last_page(client: TestClient[Any, Any], users: Users) -> None:
    catalogue = await (await client.get(f"{API}/services", params={"page": 500})).json()
    first = await (await client.get(f"{API}/services")).json()
    assert catalogue["data"] == [] and catalogue["meta"]["total"] == first["meta"]["total"] > 0
    resources = await (await client.get(f"{API}/admin/resources", params={"page": 9, "limit": 1},
                                        headers=users.headers("admin"))).json()
    assert resources["data"] == [] and resources["meta"]["total"] > 1


async def test_one_service_representation(client: TestClient[Any, Any], users: Users) -> None:
    h = users.headers("admin")
    detail = await (await client.get(f"{API}/services/consultation")).json()
    admin = await (await client.get(f"{API}/admin/services/{detail['id']}", headers=h)).json()
    listed = next(s for s in (await (await client.get(f"{API}/services")).json())["data"]
                  if s["slug"] == "consultation")
    admin_only = ("active", "created_at", "updated_at", "resources", "link")
    common = {k: v for k, v in admin.items() if k not in admin_only}
    assert {k: detail[k] for k in common} == common
    assert {k: listed[k] for k in common} == common


async def test_resource_kinds_come_from_the_database(client: TestClient[Any, Any], users: Users) -> None:
    kinds = await client.get(f"{API}/admin/resource-kinds", headers=users.headers("admin"))
    assert (await kinds.json())["data"] == ["room", "person", "team", "venue", "equipment"]
    assert (await client.get(f"{API}/admin/resource-kinds", headers=users.headers("member"))).status == 403


async def test_database_rules_reach_the_client_as_422(client: TestClient[Any, Any], users: Users) -> None:
    h = users.headers("admin")
    kind = await client.post(f"{API}/admin/resources", headers=h, json={
        "slug": "r9", "name": "R", "timezone": "UTC", "kind": "spaceship"})
    assert (await kind.json())["errors"] == {"kind": "must be one of room, person, team, venue, equipment"}
    status = await client.get(f"{API}/admin/notifications", params={"status": "lost"}, headers=h)
    assert (await status.json())["errors"] == {"status": "must be one of pending, sending, sent, failed"}
    mine = await client.get(f"{API}/me/bookings", params={"status": "confirmed,lost"},
                            headers=users.headers("member"))
    assert mine.status == 422 and set((await mine.json())["errors"]) == {"status"}
    now = dt.datetime.now(dt.UTC)
    long = await client.get(f"{API}/services/consultation/slots", params={
        "from": now.isoformat(), "to": (now + dt.timedelta(days=63)).isoformat()})
    assert (await long.json())["errors"] == {"to": "the range may span at most 62 days"}
    sort = await client.get(f"{API}/services", params={"sort": "colour"})
    assert (await sort.json())["errors"] == {"sort": "must be one of name, price, starts_at"}
