"""Issue 13, the admin half over HTTP: POST /bookings/{id}/move (admins and the resource's
provider; members and strangers refused; hostile input a 4xx naming the field), the
bookings overview around an instant, catalogue edits whose refusals name the field, and a
deactivated service's link answering 410."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiohttp.test_utils import TestClient

from tests.edge.conftest import GUEST, Users, free_slots

API = "/api/v1"


async def _book(client: TestClient[Any, Any], users: Users, slug: str, start: str,
                resource: str | None = None, who: str = "member") -> dict[str, Any]:
    body: dict[str, Any] = {"service": slug, "starts_at": start}
    if resource:
        body["resource"] = resource
    resp = await client.post(f"{API}/bookings", json=body, headers=users.headers(who))
    assert resp.status == 201, await resp.text()
    return await resp.json()  # type: ignore[no-any-return]


async def _by_slug(client: TestClient[Any, Any], h: dict[str, str], path: str) -> dict[str, Any]:
    return {x["slug"]: x for x in (await (await client.get(f"{API}/admin/{path}", headers=h)).json())["data"]}


async def test_move_is_for_admins_and_the_provider(client: TestClient[Any, Any], users: Users) -> None:
    slots = await free_slots(client, "consultation", resource="provider-ana")
    booking = await _book(client, users, "consultation", slots[0], "provider-ana")
    url = f"{API}/bookings/{booking['id']}/move"
    body = {"starts_at": slots[4]}
    assert (await client.post(url, json=body)).status == 401
    own = await client.post(url, json=body, headers=users.headers("member"))
    assert own.status == 403  # the member may reschedule (PATCH, within the cutoff), not move
    assert (await client.post(url, json=body, headers=users.headers("other"))).status == 404
    assert (await client.post(url, json=body, headers=users.headers("ben"))).status == 404  # another provider
    # Ana may not move it onto Ben's calendar, only within her own
    to_ben = await client.post(url, json={**body, "resource": "provider-ben"}, headers=users.headers("ana"))
    assert to_ben.status == 422 and "resource" in (await to_ben.json())["errors"]
    moved = await client.post(url, json=body, headers=users.headers("ana"))
    assert moved.status == 200, await moved.text()
    assert dt.datetime.fromisoformat((await moved.json())["starts_at"]) == dt.datetime.fromisoformat(slots[4])
    assert (await moved.json())["resource"] == "provider-ana"


async def test_admin_moves_to_another_room_and_a_conflict_changes_nothing(
        client: TestClient[Any, Any], users: Users) -> None:
    h = users.headers("admin")
    berlin = await free_slots(client, "meeting-room", resource="room-berlin")
    nyc = set(await free_slots(client, "meeting-room", resource="room-nyc"))
    start = next(s for s in berlin if s in nyc)
    booking = await _book(client, users, "meeting-room", start, "room-berlin")
    blocker = await _book(client, users, "meeting-room", start, "room-nyc", who="other")
    url = f"{API}/bookings/{booking['id']}/move"
    taken = await client.post(url, json={"starts_at": start, "resource": "room-nyc"}, headers=h)
    assert taken.status == 409
    assert isinstance((await taken.json())["alternatives"], list)
    unchanged = await (await client.get(f"{API}/bookings/{booking['id']}", headers=h)).json()
    assert unchanged["resource"] == "room-berlin"
    cancelled = await client.delete(f"{API}/bookings/{blocker['id']}", headers=h)
    assert cancelled.status == 200
    moved = await client.post(url, json={"starts_at": start, "resource": "room-nyc"}, headers=h)
    assert moved.status == 200, await moved.text()
    assert (await moved.json())["resource"] == "room-nyc"


async def test_move_refuses_hostile_input_with_the_field(client: TestClient[Any, Any], users: Users) -> None:
    h = users.headers("admin")
    slots = await free_slots(client, "meeting-room", resource="room-berlin")
    booking = await _book(client, users, "meeting-room", slots[0], "room-berlin")
    url = f"{API}/bookings/{booking['id']}/move"
    cases: list[tuple[Any, str]] = [
        ({}, "starts_at"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"starts_at": 12}, "starts_at"),
        ({"starts_at": slots[1], "resource": "nowhere"}, "resource"),
        ({"starts_at": slots[1], "resource": ["room-nyc"]}, "resource"),
        ({"starts_at": slots[1], "resource": "x" * 5000}, "resource"),
        ({"starts_at": "1900-01-01T00:00:00Z"}, "starts_at"),
    ]
    for body, name in cases:
        resp = await client.post(url, json=body, headers=h)
        assert resp.status == 422, (body, resp.status, await resp.text())
        assert name in (await resp.json())["errors"], (body, await resp.text())
    off_grid = dt.datetime.fromisoformat(slots[1]) + dt.timedelta(minutes=7)
    resp = await client.post(url, json={"starts_at": off_grid.isoformat()}, headers=h)
    assert resp.status == 422
    broken = await client.post(url, data=b"[1, 2", headers={**h, "Content-Type": "application/json"})
    assert broken.status == 400
    assert (await client.post(url, json=[1], headers=h)).status in (400, 422)
    assert (await client.post(f"{API}/bookings/not-a-uuid/move", json={"starts_at": slots[1]},
                              headers=h)).status == 404
    still = await (await client.get(f"{API}/bookings/{booking['id']}", headers=h)).json()
    assert still["starts_at"] == booking["starts_at"]


async def test_admin_routes_refuse_members_and_providers(client: TestClient[Any, Any], users: Users) -> None:
    slots = await free_slots(client, "consultation", resource="provider-ana")
    booking = await _book(client, users, "consultation", slots[0], "provider-ana")
    for who in ("member", "ana"):
        h = users.headers(who)
        for method, path, body in (
                ("GET", "/admin/bookings?around=2030-01-01T00:00:00Z", None),
                ("GET", "/admin/services", None),
                ("PATCH", "/admin/resources/00000000-0000-0000-0000-000000000000", {"capacity": 2}),
                ("PATCH", "/admin/services/00000000-0000-0000-0000-000000000000", {"active": True}),
                ("DELETE", "/admin/services/00000000-0000-0000-0000-000000000000", None),
                ("GET", f"/admin/audit?booking={booking['id']}", None)):
            resp = await client.request(method, API + path, json=body, headers=h)
            assert resp.status == 403, (who, method, path, resp.status)
    # a provider may not cancel inside the cutoff by force: that is an admin's override
    resp = await client.delete(f"{API}/bookings/{booking['id']}?force=true", headers=users.headers("ana"))
    assert resp.status == 403


async def test_bookings_around_today_pages_both_ways(client: TestClient[Any, Any], users: Users) -> None:
    h = users.headers("admin")
    slots = await free_slots(client, "meeting-room", resource="room-berlin")
    made = [await _book(client, users, "meeting-room", s, "room-berlin") for s in slots[:3]]
    around = made[1]["starts_at"]
    page = await client.get(f"{API}/admin/bookings", headers=h,
                            params={"service": "meeting-room", "around": around, "limit": "1"})
    assert page.status == 200, await page.text()
    body = await page.json()
    assert [b["id"] for b in body["data"]] == [made[1]["id"]]
    assert body["meta"]["page"] == body["meta"]["around_page"] == 2
    earlier = await (await client.get(f"{API}/admin/bookings", headers=h, params={
        "service": "meeting-room", "around": around, "limit": "1", "page": "1"})).json()
    assert [b["id"] for b in earlier["data"]] == [made[0]["id"]]
    bad = await client.get(f"{API}/admin/bookings", headers=h, params={"around": "today"})
    assert bad.status == 422 and "around" in (await bad.json())["errors"]


async def test_catalogue_edits_name_the_field(client: TestClient[Any, Any], users: Users) -> None:
    h = users.headers("admin")
    services = await _by_slug(client, h, "services")
    resources = await _by_slug(client, h, "resources")
    svc_url = f"{API}/admin/services/{services['meeting-room']['id']}"
    for body, name in (({"price": "abc"}, "price"), ({"price": "NaN"}, "price"),
                       ({"price": "Infinity"}, "price"), ({"price": [1]}, "price"),
                       ({"duration_minutes": "sixty"}, "duration_minutes"),
                       ({"duration_minutes": 20}, "duration_minutes"),
                       ({"visibility": "secret"}, "visibility"),
                       ({"requires_confirmation": "maybe"}, "requires_confirmation"),
                       ({"resources": ["nowhere"]}, "resources"), ({"starts_at": "soon"}, "starts_at")):
        resp = await client.patch(svc_url, json=body, headers=h)
        assert resp.status == 422, (body, resp.status, await resp.text())
        assert name in (await resp.json())["errors"], (body, await resp.text())
    created = await client.post(f"{API}/admin/services", headers=h, json={
        "slug": "typed", "name": "Typed", "duration_minutes": 30, "price": "abc", "resources": ["room-nyc"]})
    assert created.status == 422 and "price" in (await created.json())["errors"]
    # a venue's capacity cannot drop below the seats an upcoming booking holds
    hall = resources["venue-hall"]
    concert = await (await client.get(f"{API}/services/limited-concert")).json()
    await client.post(f"{API}/bookings", json={
        "service": "limited-concert", "starts_at": concert["starts_at"], "seats": 2, "attendee": GUEST})
    drop = await client.patch(f"{API}/admin/resources/{hall['id']}", json={"capacity": 1}, headers=h)
    assert drop.status == 422, await drop.text()
    assert "upcoming booking" in (await drop.json())["errors"]["capacity"]
    owner = await client.patch(f"{API}/admin/resources/{resources['room-nyc']['id']}",
                               json={"owner": "nobody@example.com"}, headers=h)
    assert owner.status == 422 and "owner" in (await owner.json())["errors"]


async def test_deactivated_service_link_says_so_and_comes_back(client: TestClient[Any, Any],
                                                               users: Users) -> None:
    h = users.headers("admin")
    services = await _by_slug(client, h, "services")
    url = f"{API}/admin/services/{services['meeting-room']['id']}"
    slots = await free_slots(client, "meeting-room", resource="room-berlin")
    await _book(client, users, "meeting-room", slots[0], "room-berlin")
    off = await client.delete(url, headers=h)
    assert off.status == 200
    assert (await off.json())["upcoming_bookings"] >= 1
    gone = await client.get(f"{API}/services/meeting-room")
    assert gone.status == 410 and "no longer offered" in (await gone.json())["detail"]
    listed = await (await client.get(f"{API}/services", params={"limit": "50"})).json()
    assert "meeting-room" not in {s["slug"] for s in listed["data"]}
    back = await client.patch(url, json={"active": True}, headers=h)
    assert back.status == 200 and (await back.json())["active"] is True
    assert (await client.get(f"{API}/services/meeting-room")).status == 200
