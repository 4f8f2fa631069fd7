"""Races over HTTP through a real socket server: the database decides, the edge
reports it faithfully (201 or 409 with alternatives, never a 5xx)."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import psycopg
import pytest
from aiohttp.test_utils import TestClient

from booker.settings import Settings
from tests.edge.conftest import SECRET, free_slots

API = "/api/v1"


@pytest.fixture
def settings() -> Settings:
    """Hundreds of buyers from one test address: the per-address abuse limits stay out of it."""
    return Settings(environment="test", secret=SECRET, db_pool_size=10, rate_limits=False)


async def _post_all(client: TestClient[Any, Any], bodies: list[dict[str, Any]]) -> list[tuple[int, Any]]:
    async def one(body: dict[str, Any]) -> tuple[int, Any]:
        resp = await client.post(f"{API}/bookings", json=body)
        return resp.status, await resp.json()

    return await asyncio.gather(*(one(b) for b in bodies))


async def test_ten_buyers_two_seats(client: TestClient[Any, Any], db_url: str) -> None:
    start = (await free_slots(client, "limited-concert", days=10))[0]
    bodies = [{"service": "limited-concert", "starts_at": start,
               "attendee": {"name": f"Fan {i}", "email": f"fan{i}@example.net"}} for i in range(10)]
    results = await _post_all(client, bodies)
    assert Counter(status for status, _ in results) == {201: 2, 409: 8}
    for status, body in results:
        if status == 409:
            assert isinstance(body["alternatives"], list)
    with psycopg.connect(db_url) as c:
        seats = c.execute("SELECT sum(seat_count) FROM booking.bookings").fetchone()
    assert seats == (2,)


async def test_two_hundred_buyers_one_room(client: TestClient[Any, Any], db_url: str) -> None:
    start = (await free_slots(client, "meeting-room", resource="room-berlin"))[0]
    bodies = [{"service": "meeting-room", "starts_at": start, "resource": "room-berlin",
               "attendee": {"name": f"Guest {i}", "email": f"g{i}@example.net"}} for i in range(200)]
    results = await _post_all(client, bodies)
    statuses = Counter(status for status, _ in results)
    assert statuses == {201: 1, 409: 199}, statuses
    with psycopg.connect(db_url) as c:
        assert c.execute("SELECT count(*) FROM booking.bookings").fetchone() == (1,)
