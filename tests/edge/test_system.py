"""Health, readiness and the error contract every route shares."""

from __future__ import annotations

from typing import Any

import psycopg
from aiohttp.test_utils import TestClient


async def test_health_needs_no_database(bare_client: TestClient[Any, Any]) -> None:
    resp = await bare_client.get("/health")
    assert resp.status == 200
    assert (await resp.json()) == {"status": "ok"}
    assert resp.headers["X-Request-Id"]


async def test_ready_when_migrated(bare_client: TestClient[Any, Any]) -> None:
    resp = await bare_client.get("/ready")
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["pending_migrations"] == []


async def test_ready_reports_pending_migration(bare_client: TestClient[Any, Any], db_url: str) -> None:
    with psycopg.connect(db_url, autocommit=True) as c:
        c.execute("DELETE FROM public._yoyo_migration WHERE migration_id = '0001.create-schema'")
    resp = await bare_client.get("/ready")
    assert resp.status == 503
    assert "0001.create-schema" in (await resp.json())["pending_migrations"]


async def test_unknown_route_is_problem_json(bare_client: TestClient[Any, Any]) -> None:
    resp = await bare_client.get("/api/v1/nope")
    assert resp.status == 404
    assert resp.content_type == "application/problem+json"
    body = await resp.json()
    assert body["status"] == 404 and body["type"].endswith("not-found")


async def test_wrong_method_is_405_with_allow(bare_client: TestClient[Any, Any]) -> None:
    resp = await bare_client.delete("/health")
    assert resp.status == 405
    assert "GET" in resp.headers["Allow"]
    assert (await resp.json())["status"] == 405
