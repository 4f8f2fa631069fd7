"""Issue 11 at the HTTP edge: a zone name PostgreSQL reads as an abbreviation is a 422
naming the timezone field and the zone to use (the rule lives in booking.is_valid_timezone)."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from tests.edge.conftest import Users

API = "/api/v1"


async def test_cet_resource_is_a_422_naming_the_zone(client: TestClient[Any, Any], users: Users) -> None:
    h = users.headers("admin")
    resp = await client.post(f"{API}/admin/resources", headers=h, json={
        "slug": "room-cet", "name": "CET room", "timezone": "CET"})
    assert resp.status == 422, await resp.text()
    assert resp.content_type == "application/problem+json"
    errors = (await resp.json())["errors"]
    assert list(errors) == ["timezone"] and "Europe/Brussels" in errors["timezone"]
    ok = await client.post(f"{API}/admin/resources", headers=h, json={
        "slug": "room-cet", "name": "CET room", "timezone": "Europe/Brussels"})
    assert ok.status == 201, await ok.text()
