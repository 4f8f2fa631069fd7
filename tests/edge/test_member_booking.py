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
