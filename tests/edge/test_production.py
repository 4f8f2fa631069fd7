"""The smaller production defaults of issue 9: the refresh cookie is Secure behind https and in
production, the development mail viewer is off in production, and the admin search treats
LIKE wildcards in `q` as plain characters."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import psycopg
from aiohttp.test_utils import TestClient

from booker import demo
from booker.settings import Settings
from edge.app import create_app
from edge.auth import REFRESH_COOKIE

from .conftest import GUEST, ClientFactory, Users, free_slots

API = "/api/v1"
MEMBER = {"email": demo.MEMBER_EMAIL, "password": demo.MEMBER_PASSWORD}


async def _login_cookie(client: TestClient[Any, Any]) -> Any:
    resp = await client.post(f"{API}/auth/login", json=MEMBER)
    assert resp.status == 200, await resp.text()
    return resp.cookies[REFRESH_COOKIE]


async def test_refresh_cookie_is_secure_in_production_and_behind_https(
    aiohttp_client: ClientFactory, settings: Settings, demo_url: str, app_db_url: str
) -> None:
    for changes, secure in (
        ({"environment": "production", "public_url": "http://localhost:8080"}, True),
        ({"environment": "test", "public_url": "https://book.example.com"}, True),
        ({"environment": "test", "public_url": "http://127.0.0.1:8080"}, False),
    ):
        client = await aiohttp_client(
            create_app(dataclasses.replace(settings, **changes), database_url=app_db_url)
        )
        assert bool((await _login_cookie(client))["secure"]) is secure, changes


async def test_the_mail_viewer_is_off_in_production(
    aiohttp_client: ClientFactory, settings: Settings, app_db_url: str, users: Users, tmp_path: Path
) -> None:
    (tmp_path / "one.eml").write_bytes(b"Subject: hi\r\nTo: a@example.com\r\n\r\nbody\r\n")
    prod = dataclasses.replace(settings, environment="production", mail_dir=str(tmp_path))
    client = await aiohttp_client(create_app(prod, database_url=app_db_url))
    for path in (f"{API}/admin/mail", f"{API}/admin/mail/one"):
        resp = await client.get(path, headers=users.headers("admin"))
        assert resp.status == 404
        assert resp.content_type == "application/problem+json"
        assert "off in production" in (await resp.json())["detail"]
    # still admins only: a member learns nothing more
    assert (await client.get(f"{API}/admin/mail", headers=users.headers("member"))).status == 403
    dev = await aiohttp_client(
        create_app(dataclasses.replace(prod, environment="test"), database_url=app_db_url)
    )
    listed = await dev.get(f"{API}/admin/mail", headers=users.headers("admin"))
    assert listed.status == 200 and (await listed.json())["meta"]["total"] == 1


async def test_admin_search_escapes_like_wildcards(
    client: TestClient[Any, Any], users: Users, db_url: str
) -> None:
    starts = await free_slots(client, "meeting-room", resource="room-berlin")
    names = ["100% Pat", "Under_Score", "Back\\Slash", "Plain Person"]
    for start, name in zip(starts, names, strict=False):
        resp = await client.post(
            f"{API}/bookings",
            json={
                "service": "meeting-room",
                "resource": "room-berlin",
                "starts_at": start,
                "attendee": {**GUEST, "name": name},
            },
        )
        assert resp.status == 201, await resp.text()
    with psycopg.connect(db_url) as c:
        total = c.execute("SELECT count(*) FROM booking.bookings").fetchone()
    assert total and total[0] >= 4
    h = users.headers("admin")

    async def found(q: str) -> list[str]:
        resp = await client.get(f"{API}/admin/bookings", params={"q": q, "limit": "200"}, headers=h)
        assert resp.status == 200, await resp.text()
        return sorted(b["attendee"]["name"] for b in (await resp.json())["data"])

    assert await found("%") == ["100% Pat"]
    assert await found("_") == ["Under_Score"]
    assert await found("\\") == ["Back\\Slash"]
    assert await found("pla_n") == []  # _ is not "any one character"
    assert await found("100%pat") == []  # nor % "anything"
    assert await found("plain") == ["Plain Person"]  # still case-insensitive
