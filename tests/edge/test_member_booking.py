"""The booking page of issue 14 over HTTP: the choice of resource (slots filtered to one
resource, the booking on it, its location)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiohttp.test_utils import TestClient

from tests.edge.conftest import GUEST, free_slots

API = "/api/v1"


def _range() -> dict[str, str]:
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=1)
    return {"from": start.isoformat(), "to": (start + dt.timedelta(days=14)).isoformat()}


async def _grid(client: TestClient[Any, Any], resource: str | None = None) -> dict[str, str]:
    params = _range() | ({"resource": resource} if resource else {})
    resp = await client.get(f"{API}/services/consultation/slots", params=params)
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    assert body.get("resource") == resource
    return {s["starts_at"]: s["status"] for s in body["slots"]}


async def test_slots_filtered_by_resource_and_booking_on_the_chosen_one(client: TestClient[Any, Any]) -> None:
    at = (await free_slots(client, "consultation", resource="provider-ana"))[0]
    resp = await client.post(f"{API}/bookings", json={
        "service": "consultation", "starts_at": at, "resource": "provider-ana", "attendee": GUEST})
    assert resp.status == 201, await resp.text()
    first = await resp.json()
    assert first["resource"] == "provider-ana" and first["location"] == "Berlin"
    # Ana is taken at that time, Ben is not: the filtered grids say so, "any" still offers it.
    assert (await _grid(client, "provider-ana"))[at] == "booked"
    assert (await _grid(client, "provider-ben"))[at] == "available"
    assert (await _grid(client))[at] == "available"
    # Asking for Ana again is a conflict, not a silent switch to Ben.
    resp = await client.post(f"{API}/bookings", json={
        "service": "consultation", "starts_at": at, "resource": "provider-ana",
        "attendee": {"name": "Other", "email": "other@example.net"}})
    assert resp.status == 409, await resp.text()
    resp = await client.post(f"{API}/bookings", json={
        "service": "consultation", "starts_at": at, "resource": "provider-ben",
        "attendee": {"name": "Other", "email": "other@example.net"}})
    assert resp.status == 201 and (await resp.json())["resource"] == "provider-ben"


async def test_a_resource_of_another_service_is_422_naming_resource(client: TestClient[Any, Any]) -> None:
    for bad in ("room-nyc", "nope", "x" * 201):
        resp = await client.get(f"{API}/services/consultation/slots", params=_range() | {"resource": bad})
        assert resp.status == 422, (bad, await resp.text())
        assert "resource" in (await resp.json())["errors"]


async def test_polling_changes_since_replays_what_the_stream_would_send(client: TestClient[Any, Any]) -> None:
    start = await (await client.get(f"{API}/services/meeting-room/slots", params=_range())).json()
    seq = start["seq"]
    at = (await free_slots(client, "meeting-room"))[0]
    booking = {"service": "meeting-room", "starts_at": at, "attendee": GUEST}
    assert (await client.post(f"{API}/bookings", json=booking)).status == 201
    changes = f"{API}/services/meeting-room/changes"
    resp = await client.get(changes, params={"since": seq})
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    assert body["resync"] is False and body["seq"] > seq
    [event] = body["events"]
    assert event["type"] == "slot.changed"
    assert event["starts_at"].replace("Z", "+00:00") == at.replace("Z", "+00:00")
    # nothing new after the answer's seq; a seq from the future asks for a resync
    again = await (await client.get(changes, params={"since": body["seq"]})).json()
    assert again["events"] == [] and again["seq"] == body["seq"]
    future = await (await client.get(changes, params={"since": body["seq"] + 1000})).json()
    assert future["resync"] is True
    # another service's changes are not in it
    other = await (await client.get(f"{API}/services/consultation/changes", params={"since": seq})).json()
    assert other["events"] == []


async def test_polling_refuses_bad_input(client: TestClient[Any, Any]) -> None:
    for params in ({}, {"since": "-1"}, {"since": "abc"}, {"since": str(2**64)}):
        resp = await client.get(f"{API}/services/meeting-room/changes", params=params)
        assert resp.status == 422, (params, await resp.text())
        assert "since" in (await resp.json())["errors"]
    assert (await client.get(f"{API}/services/nope/changes", params={"since": "0"})).status == 404


async def test_the_booker_zone_and_the_attendee_limit_over_http(
        client: TestClient[Any, Any], users: Any) -> None:
    at = (await free_slots(client, "meeting-room"))[:2]
    resp = await client.post(f"{API}/bookings", json={
        "service": "meeting-room", "starts_at": at[0], "attendee": GUEST | {"timezone": "America/New_York"}})
    assert resp.status == 201 and (await resp.json())["attendee_timezone"] == "America/New_York"
    resp = await client.post(f"{API}/bookings", json={
        "service": "meeting-room", "starts_at": at[1], "attendee": GUEST | {"timezone": "Mars/Base"}})
    assert resp.status == 422 and "attendee.timezone" in (await resp.json())["errors"]
    admin = users.headers("admin")
    services = await (await client.get(f"{API}/admin/services", headers=admin)).json()
    room = next(s for s in services["data"] if s["slug"] == "meeting-room")
    url = f"{API}/admin/services/{room['id']}"
    resp = await client.patch(url, headers=admin, json={"max_active_per_attendee": 0})
    assert resp.status == 422 and "max_active_per_attendee" in (await resp.json())["errors"]
    resp = await client.patch(url, headers=admin, json={"max_active_per_attendee": 1})
    assert resp.status == 200 and (await resp.json())["max_active_per_attendee"] == 1
    second = {"service": "meeting-room", "starts_at": at[1], "attendee": GUEST}
    resp = await client.post(f"{API}/bookings", json=second)
    assert resp.status == 409, await resp.text()
    problem = await resp.json()
    assert problem["errors"] == {"max_active_per_attendee": "at most 1 active booking per attendee"}
    detail = await (await client.get(f"{API}/services/meeting-room")).json()
    assert detail["max_active_per_attendee"] == 1
    resp = await client.patch(url, headers=admin, json={"max_active_per_attendee": None})
    assert resp.status == 200 and (await resp.json())["max_active_per_attendee"] is None
