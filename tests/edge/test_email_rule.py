"""The one email rule (domain booking.email_address) over HTTP: every address the SMTP path
would refuse or misread is a 422 naming the field, from the database (the edge keeps no
copy of the rule), for guest bookings, registration and resources alike."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.edge.conftest import Users, free_slots

API = "/api/v1"
# issue 9: each passed the old checks, and then stopped (or misled) the worker
POISON = ["a<b>@c.de", 'a"b@c.de', "x>,<y@z.zz", "a(b)@c.de", "a;b@c.de", "a\\b@c.de", "a[b]@c.de",
          "a:b@c.de", "a\u0007b@c.de", "a b@c.de", "j\u00f6rg@example.de"]


@pytest.mark.parametrize("address", POISON)
async def test_guest_booking_with_a_poison_address_is_422(client: TestClient[Any, Any], address: str) -> None:
    start = (await free_slots(client, "meeting-room"))[0]
    resp = await client.post(f"{API}/bookings", json={"service": "meeting-room", "starts_at": start,
                                                      "attendee": {"name": "E", "email": address}})
    assert resp.status == 422, await resp.text()
    assert resp.content_type == "application/problem+json"
    assert (await resp.json())["errors"] == {"attendee.email": "is not an email address"}


async def test_register_and_resource_use_the_same_rule(
    bare_client: TestClient[Any, Any], client: TestClient[Any, Any], users: Users
) -> None:
    for address in POISON[:5]:
        resp = await bare_client.post(f"{API}/auth/register",
                                      json={"email": address, "password": "abcdefg1", "name": "E"})
        assert resp.status == 422, await resp.text()
        assert (await resp.json())["errors"] == {"email": "is not an email address"}
        res = await client.post(f"{API}/admin/resources", headers=users.headers("admin"), json={
            "slug": "room-e", "name": "E", "timezone": "UTC", "email": address})
        assert res.status == 422, await res.text()
        assert (await res.json())["errors"] == {"email": "is not an email address"}
    good = {"email": "o'brien+tag@mail.example.ie", "password": "abcdefg1", "name": "O"}
    ok = await bare_client.post(f"{API}/auth/register", json=good)
    assert ok.status == 201, await ok.text()
