"""The OpenAPI document describes every route the app serves, and the docs page is local."""

from __future__ import annotations

import re
from typing import Any

from aiohttp.test_utils import TestClient

from edge.app import ROUTES
from edge.openapi import document


def test_every_route_is_documented() -> None:
    paths = document()["paths"]
    for method, path, _ in ROUTES:
        if path.startswith("/api/v1/health") or path.startswith("/api/v1/ready"):
            continue
        assert path in paths, path
        assert method.lower() in paths[path], (method, path)
    documented = {(m.upper(), path) for path, item in paths.items() for m in item}
    assert documented - {(m, path) for m, path, _ in ROUTES} <= {
        ("GET", "/api/v1/live"), ("GET", "/api/v1/services/{slug}/events")}


def test_every_operation_documents_problems() -> None:
    doc = document()
    assert doc["openapi"].startswith("3.1")
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if path.startswith("/api/v1/") and "live" not in operation.get("tags", []):
                assert "default" in operation["responses"], (method, path)
                assert "500" in operation["responses"], (method, path)


async def test_served_document_and_docs_page(client: TestClient[Any, Any]) -> None:
    resp = await client.get("/api/openapi.json")
    assert resp.status == 200
    assert (await resp.json())["info"]["title"] == "Booker HTTP API"
    page = await client.get("/api/docs")
    assert page.status == 200 and page.content_type == "text/html"
    text = await page.text()
    assert "/api/v1/bookings" in text and "id='problem-validation-error'" in text
    assert not re.search(r"(src|href)=['\"]https?://", text)  # nothing from a CDN
