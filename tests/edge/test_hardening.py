"""Issue 9 (edge part): bounded waits and honest 503s, cross-site requests, hostile headers,
security headers, per-client live caps. Real PostgreSQL throughout."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Awaitable, Callable
from typing import Any

import psycopg
import pytest
from aiohttp import WSServerHandshakeError
from aiohttp.test_utils import TestClient

from booker import demo
from booker.settings import Settings, SettingsError, load
from edge import db
from edge.app import create_app
from edge.guard import quiet_accept_errors
from tests.edge.conftest import GUEST, Users, free_slots

API = "/api/v1"
MEMBER = {"email": demo.MEMBER_EMAIL, "password": demo.MEMBER_PASSWORD}
EVIL = "https://evil.example"
ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]


async def _app(aiohttp_client: ClientFactory, settings: Settings, url: str, **changes: Any
               ) -> TestClient[Any, Any]:
    return await aiohttp_client(create_app(dataclasses.replace(settings, **changes), database_url=url))


async def _raw(client: TestClient[Any, Any], head: bytes) -> bytes:
    """Send raw request bytes (headers a client library would refuse to send); the raw answer."""
    reader, writer = await asyncio.open_connection("127.0.0.1", client.port)
    writer.write(head + b"Host: x\r\nConnection: close\r\n\r\n")
    data = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    return data


# --- bounded waits and honest answers --------------------------------------------------------


async def test_pool_exhausted_is_busy_within_5s_and_recovers_within_2s(
        aiohttp_client: ClientFactory, settings: Settings, demo_url: str, app_db_url: str) -> None:
    client = await _app(aiohttp_client, settings, app_db_url, db_pool_size=2, db_pool_wait=2.0)
    assert (await client.get(f"{API}/services")).status == 200
    with psycopg.connect(demo_url, autocommit=True) as owner:
        dbname = owner.info.dbname
        # No connection slot is left for booker_app, and the ones the edge had are gone.
        owner.execute(f'ALTER DATABASE "{dbname}" CONNECTION LIMIT 0')
        try:
            owner.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = current_database() AND usename = 'booker_app'")
            started = time.monotonic()
            resp = await client.get(f"{API}/services")
            took = time.monotonic() - started
            body = await resp.json()
            assert resp.status == 503 and took < 5.0, (resp.status, took, body)
            assert body["type"] == "/api/docs#problem-busy" and body["title"] == "Service busy", body
            assert resp.headers["Retry-After"].isdigit()
            assert resp.content_type == "application/problem+json"
        finally:
            owner.execute(f'ALTER DATABASE "{dbname}" CONNECTION LIMIT -1')
    released = time.monotonic()
    while (await client.get(f"{API}/services")).status != 200:
        assert time.monotonic() - released < 2.0, "service did not return within 2 s"
        await asyncio.sleep(0.05)
    assert time.monotonic() - released < 2.0


async def _backend_waiting_on_lock(owner: psycopg.Connection[Any]) -> int:
    for _ in range(200):
        row = owner.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                            "AND usename = 'booker_app' AND wait_event_type = 'Lock'").fetchone()
        if row:
            return int(row[0])
        await asyncio.sleep(0.05)
    raise AssertionError("the edge's statement never waited on the lock")


async def test_connection_lost_during_a_write_is_outcome_unknown(client: TestClient[Any, Any],
                                                                 demo_url: str) -> None:
    start = (await free_slots(client, "meeting-room"))[0]
    body = {"service": "meeting-room", "starts_at": start, "attendee": GUEST}
    key = {"Idempotency-Key": "lost-write-1"}
    with psycopg.connect(demo_url) as owner, psycopg.connect(demo_url, autocommit=True) as killer:
        owner.execute("LOCK TABLE booking.bookings IN ACCESS EXCLUSIVE MODE")
        post = asyncio.create_task(client.post(f"{API}/bookings", json=body, headers=key))
        killer.execute("SELECT pg_terminate_backend(%s)", (await _backend_waiting_on_lock(killer),))
        resp = await post
        problem = await resp.json()
        assert resp.status == 503, problem
        assert problem["type"] == "/api/docs#problem-outcome-unknown", problem
        assert "same Idempotency-Key" in problem["detail"]
        # a read that loses its connection is only "unavailable": nothing can have changed
        get = asyncio.create_task(client.get(f"{API}/bookings/00000000-0000-0000-0000-000000000000",
                                             headers={"X-Manage-Token": "x"}))
        killer.execute("SELECT pg_terminate_backend(%s)", (await _backend_waiting_on_lock(killer),))
        assert (await (await get).json())["type"] == "/api/docs#problem-unavailable"
        owner.rollback()
    first = await client.post(f"{API}/bookings", json=body, headers=key)
    again = await client.post(f"{API}/bookings", json=body, headers=key)
    assert first.status == again.status == 201, await first.text()
    assert (await first.json())["id"] == (await again.json())["id"]


# --- hostile headers and bodies --------------------------------------------------------------


async def test_non_utf8_credentials_are_401(client: TestClient[Any, Any]) -> None:
    for head in (b"GET /api/v1/me HTTP/1.1\r\nAuthorization: Bearer \xff\xfe\xfa\r\n",
                 b"GET /api/v1/me HTTP/1.1\r\nAuthorization: Bearer bk_\xc3\x28abc\r\n",
                 b"GET /api/v1/bookings/00000000-0000-0000-0000-000000000000 HTTP/1.1\r\n"
                 b"X-Manage-Token: \xff\xff\r\n"):
        answer = await _raw(client, head)
        assert answer.startswith(b"HTTP/1.1 401"), answer
        assert b"application/problem+json" in answer


async def test_json_endpoints_require_application_json(client: TestClient[Any, Any], users: Users) -> None:
    import json

    text = json.dumps(MEMBER)
    for ctype in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None):
        headers = {"Content-Type": ctype} if ctype else {}
        resp = await client.post(f"{API}/auth/login", data=text.encode(), headers=headers)
        problem = await resp.json()
        assert resp.status == 415, problem
        assert resp.content_type == "application/problem+json"
        assert problem["type"] == "/api/docs#problem-unsupported-media-type"
        assert "Content-Type" in problem["errors"]
    resp = await client.post(f"{API}/bookings", data=b'{"service": "consultation"}',
                             headers={**users.headers("member"), "Content-Type": "text/plain"})
    assert resp.status == 415
    ok = await client.post(f"{API}/auth/login", data=text.encode(),
                           headers={"Content-Type": "application/json; charset=utf-8"})
    assert ok.status == 200


async def test_cross_site_login_refresh_and_logout_are_refused(client: TestClient[Any, Any]) -> None:
    for headers in ({"Origin": EVIL}, {"Sec-Fetch-Site": "cross-site"}, {"Origin": "null"}):
        resp = await client.post(f"{API}/auth/login", json=MEMBER, headers=headers)
        assert resp.status == 403, await resp.text()
        assert "Origin" in (await resp.json())["errors"]
        assert "Set-Cookie" not in resp.headers
    same = await client.post(f"{API}/auth/login", json=MEMBER,
                             headers={"Origin": "http://127.0.0.1:8080", "Sec-Fetch-Site": "same-origin"})
    assert same.status == 200
    for path in ("refresh", "logout"):
        resp = await client.post(f"{API}/auth/{path}", headers={"Origin": EVIL})
        assert resp.status == 403, await resp.text()
        assert "Set-Cookie" not in resp.headers
    # the sign-in is intact: the cookie still refreshes
    assert (await client.post(f"{API}/auth/refresh")).status == 200


async def test_logout_without_a_valid_cookie_changes_nothing(client: TestClient[Any, Any],
                                                             demo_url: str) -> None:
    assert (await client.post(f"{API}/auth/login", json=MEMBER)).status == 200
    client.session.cookie_jar.clear()
    for cookie in (None, "not-a-token"):
        headers = {"Cookie": f"booker_refresh={cookie}"} if cookie else {}
        resp = await client.post(f"{API}/auth/logout", headers=headers)
        assert resp.status == 204
        assert "Set-Cookie" not in resp.headers  # does not clear a cookie it was not shown
    with psycopg.connect(demo_url) as c:
        assert c.execute("SELECT count(*) FROM booking.refresh_tokens WHERE revoked_at IS NOT NULL"
                         ).fetchone() == (0,)


async def test_live_websocket_checks_origin(client: TestClient[Any, Any]) -> None:
    with pytest.raises(WSServerHandshakeError) as refused:
        await client.ws_connect(f"{API}/live", headers={"Origin": EVIL})
    assert refused.value.status == 403
    for origin in ("http://127.0.0.1:8080", f"http://127.0.0.1:{client.port}", None):
        ws = await client.ws_connect(f"{API}/live", headers={"Origin": origin} if origin else {})
        await ws.send_json({"op": "ping"})
        assert (await ws.receive_json(timeout=5))["type"] == "pong"
        await ws.close()


async def test_production_allows_only_the_public_origin(aiohttp_client: ClientFactory, settings: Settings,
                                                        demo_url: str, app_db_url: str) -> None:
    client = await _app(aiohttp_client, settings, app_db_url, environment="production",
                        public_url="https://booker.example")
    with pytest.raises(WSServerHandshakeError):
        await client.ws_connect(f"{API}/live", headers={"Origin": f"http://127.0.0.1:{client.port}"})
    ws = await client.ws_connect(f"{API}/live", headers={"Origin": "https://booker.example"})
    await ws.close()
    health = await client.get("/health")
    assert health.headers["Strict-Transport-Security"].startswith("max-age=")


async def test_live_connections_are_capped_per_client(aiohttp_client: ClientFactory, settings: Settings,
                                                      demo_url: str, app_db_url: str) -> None:
    client = await _app(aiohttp_client, settings, app_db_url, max_live_per_client=2,
                        trusted_proxies=("127.0.0.0/8",))
    behind = {"X-Forwarded-For": "203.0.113.7, 127.0.0.5"}  # the proxy's hop is trusted and skipped
    first = await client.ws_connect(f"{API}/live", headers=behind)
    sse = await client.get(f"{API}/services/consultation/events", headers=behind)
    assert sse.status == 200
    refused = await client.get(f"{API}/services/consultation/events", headers=behind)
    assert refused.status == 429 and refused.content_type == "application/problem+json"
    assert refused.headers["Retry-After"]
    with pytest.raises(WSServerHandshakeError) as ws_refused:
        await client.ws_connect(f"{API}/live", headers=behind)
    assert ws_refused.value.status == 429
    other = await client.ws_connect(f"{API}/live", headers={"X-Forwarded-For": "203.0.113.8"})
    await other.close()
    await first.close()
    sse.close()
    for _ in range(100):  # the slots are given back
        again = await client.get(f"{API}/services/consultation/events", headers=behind)
        if again.status == 200:
            again.close()
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the live slots were not given back")


# --- response headers ------------------------------------------------------------------------


async def test_nosniff_everywhere_and_no_hsts_over_http(client: TestClient[Any, Any]) -> None:
    for path in ("/api/v1/health", "/static/css/app.css", "/static/js/api.js", "/api/docs",
                 "/api/openapi.json", "/api/v1/nope", "/login", "/api/v1/me"):
        resp = await client.get(path)
        assert resp.headers.get("X-Content-Type-Options") == "nosniff", path
        assert "Strict-Transport-Security" not in resp.headers, path


async def test_csp_comes_from_the_public_url_not_the_host_header(aiohttp_client: ClientFactory,
                                                                 settings: Settings, demo_url: str,
                                                                 app_db_url: str) -> None:
    client = await _app(aiohttp_client, settings, app_db_url, public_url="https://booker.example")
    resp = await client.get("/login", headers={"Host": "evil.example"})
    csp = resp.headers["Content-Security-Policy"]
    connect = next(d for d in csp.split("; ") if d.startswith("connect-src"))
    assert connect == "connect-src 'self' wss://booker.example", csp
    assert "evil" not in csp


# --- settings and accept errors --------------------------------------------------------------


def test_limit_settings_parse_and_refuse_nonsense() -> None:
    s = load({"BOOKER_TRUSTED_PROXIES": "10.0.0.1, 192.168.0.0/16", "BOOKER_MAX_CONNECTIONS_PER_CLIENT": "50",
              "BOOKER_MAX_LIVE_PER_CLIENT": "20", "BOOKER_HEADER_TIMEOUT": "2.5",
              "BOOKER_KEEPALIVE_TIMEOUT": "30", "BOOKER_DB_POOL_WAIT": "1"})
    assert s.trusted_proxies == ("10.0.0.1", "192.168.0.0/16")
    assert (s.max_connections_per_client, s.max_live_per_client) == (50, 20)
    assert (s.header_timeout, s.keepalive_timeout, s.db_pool_wait) == (2.5, 30.0, 1.0)
    with pytest.raises(SettingsError) as bad:
        load({"BOOKER_TRUSTED_PROXIES": "proxy.local", "BOOKER_MAX_LIVE_PER_CLIENT": "0",
              "BOOKER_DB_POOL_WAIT": "soon"})
    assert len(bad.value.problems) == 3, bad.value.problems
    assert db.SETTINGS  # the edge reads them from the app


def test_accept_errors_are_logged_at_most_once_a_second() -> None:
    loop = asyncio.new_event_loop()
    seen: list[str] = []
    loop.set_exception_handler(lambda _loop, context: seen.append(context["message"]))
    try:
        quiet_accept_errors(loop)
        for _ in range(1000):
            loop.call_exception_handler({"message": "socket.accept() out of system resource"})
        loop.call_exception_handler({"message": "something else"})
        assert seen == ["socket.accept() out of system resource", "something else"]
        time.sleep(1.05)
        loop.call_exception_handler({"message": "socket.accept() out of system resource"})
        assert seen[-1] == "socket.accept() out of system resource (999 more not logged)"
    finally:
        loop.close()


def test_open_files_limit_is_raised_to_the_hard_limit() -> None:
    """What `booker serve`, `booker worker` and `booker up` call first (children inherit it)."""
    import resource
    import subprocess
    import sys

    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]

    def low() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, hard))

    code = ("import resource; from booker.limits import raise_nofile_limit; r = raise_nofile_limit(); "
            "print(r, resource.getrlimit(resource.RLIMIT_NOFILE)[0])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         preexec_fn=low, timeout=60).stdout.split()
    expected = min(hard, 1 << 20) if hard != resource.RLIM_INFINITY else 1 << 20
    assert out == [str(expected), str(expected)], out
