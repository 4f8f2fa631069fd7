"""/metrics scraped from the edge: the booking counters move with bookings, the outbox
gauges follow the database, and the exposition text is well formed."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Awaitable, Callable
from typing import Any

import psycopg
import pytest
from aiohttp.test_utils import TestClient
from psycopg.types.json import Jsonb

from booker.settings import Settings
from edge.app import create_app

Client = TestClient[Any, Any]
SAMPLE = re.compile(r'^([a-z_]+)(\{[^}]*\})? (-?[0-9.e+-]+|\+Inf)$')


@pytest.fixture
async def client(demo_url: str, app_db_url: str, aiohttp_client: Callable[..., Awaitable[Client]]) -> Client:
    settings = Settings(environment="test", secret="metrics-test-secret-0123456789-abcdef")
    return await aiohttp_client(create_app(settings, database_url=app_db_url))


async def scrape(client: Client) -> dict[str, float]:
    resp = await client.get("/metrics")
    assert resp.status == 200
    assert resp.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    samples: dict[str, float] = {}
    for line in (await resp.text()).splitlines():
        if line.startswith("#"):
            assert re.match(r"^# (HELP|TYPE) [a-z_]+ ", line), line
            continue
        m = SAMPLE.match(line)
        assert m, f"not a sample line: {line!r}"
        samples[m.group(1) + (m.group(2) or "")] = float(m.group(3))
    return samples


def free_slot(db_url: str, service: str) -> str:
    now = dt.datetime.now(dt.UTC)
    with psycopg.connect(db_url) as c:
        row = c.execute("SELECT starts_at FROM api.available_slots(%s, %s, %s) ORDER BY starts_at LIMIT 1",
                        (service, now + dt.timedelta(hours=3), now + dt.timedelta(days=14))).fetchone()
    assert row, f"no free {service} slot"
    return row[0].isoformat()


async def test_booking_counters_move(client: Client, demo_url: str) -> None:
    before = await scrape(client)
    assert before["booker_bookings_created_total"] == 0
    body = {"service": "meeting-room", "starts_at": free_slot(demo_url, "meeting-room"),
            "attendee": {"name": "Mia Metrics", "email": "mia@example.com"}}
    resp = await client.post("/api/v1/bookings", json=body)
    assert resp.status == 201, await resp.text()
    resp = await client.post("/api/v1/bookings", json={**body, "resource": (await resp.json())["resource"]})
    assert resp.status == 409, await resp.text()

    after = await scrape(client)
    assert after["booker_bookings_created_total"] == 1
    assert after['booker_bookings_conflicted_total{operation="book"}'] == 1
    count = 'booker_http_request_duration_seconds_count{method="POST",route="/api/v1/bookings",status="201"}'
    assert after[count] == 1


async def test_outbox_gauges_follow_the_database(client: Client, demo_url: str) -> None:
    before = await scrape(client)
    assert before["booker_outbox_up"] == 1
    assert before['booker_outbox_messages{status="pending"}'] == 0
    with psycopg.connect(demo_url) as c:
        c.execute("SELECT api.book_slot('meeting-room', %s, %s)",
                  (free_slot(demo_url, "meeting-room"), Jsonb({"name": "Sam", "email": "sam@example.com"})))
        c.execute("UPDATE booking.notification_log SET created_at = now() - interval '90 seconds'")
    after = await scrape(client)
    assert after['booker_outbox_messages{status="pending"}'] >= 1
    assert after["booker_outbox_oldest_age_seconds"] >= 90


async def test_unknown_paths_share_one_series(client: Client) -> None:
    for path in ("/x1", "/x2", "/api/v1/nope"):
        assert (await client.get(path)).status == 404
    after = await scrape(client)
    series = 'booker_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"}'
    assert after[series] == 3
    assert not any("/x1" in key for key in after)


async def test_live_subscribers_gauge(client: Client) -> None:
    assert (await scrape(client))["booker_live_subscribers"] == 0
    async with client.ws_connect("/api/v1/live") as ws:
        await ws.send_json({"op": "subscribe", "topics": ["service:meeting-room"]})
        assert (await ws.receive_json(timeout=10))["type"] == "subscribed"
        assert (await scrape(client))["booker_live_subscribers"] == 1
    for _ in range(50):  # the server notices the close on its side
        if (await scrape(client))["booker_live_subscribers"] == 0:
            break
        await asyncio.sleep(0.1)
    assert (await scrape(client))["booker_live_subscribers"] == 0
