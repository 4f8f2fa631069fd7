"""Accounts: register, login (with rate limiting), refresh rotation with reuse detection,
logout, /me and API tokens."""

from __future__ import annotations

from typing import Any

import psycopg
from aiohttp.test_utils import TestClient

from booker import demo
from edge.auth import REFRESH_COOKIE

API = "/api/v1"
MEMBER = {"email": demo.MEMBER_EMAIL, "password": demo.MEMBER_PASSWORD}


def _cookie(resp: Any) -> str:
    morsel = resp.cookies[REFRESH_COOKIE]
    assert morsel["httponly"] and morsel["samesite"] == "Strict" and morsel["path"] == "/api/v1/auth"
    return str(morsel.value)


async def test_register_then_me(bare_client: TestClient[Any, Any]) -> None:
    resp = await bare_client.post(f"{API}/auth/register",
                                  json={"email": "New@Example.com", "password": "s3cret-pass", "name": "New"})
    assert resp.status == 201, await resp.text()
    body = await resp.json()
    assert body["user"]["email"] == "new@example.com" and body["user"]["role"] == "member"
    assert body["expires_in"] == 900
    _cookie(resp)
    me = await bare_client.get(f"{API}/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status == 200
    assert (await me.json())["id"] == body["user"]["id"]


async def test_register_errors(bare_client: TestClient[Any, Any]) -> None:
    weak = await bare_client.post(f"{API}/auth/register",
                                  json={"email": "a@example.com", "password": "password", "name": "A"})
    assert weak.status == 422
    assert "password" in (await weak.json())["errors"]
    bad = await bare_client.post(f"{API}/auth/register", json={"email": "nope", "password": "x", "name": ""})
    assert bad.status == 422
    assert set((await bad.json())["errors"]) == {"password", "name"}  # the email: by the database, next
    bad_email = await bare_client.post(f"{API}/auth/register",
                                       json={"email": "nope", "password": "abcdefg1", "name": "A"})
    assert bad_email.status == 422
    assert (await bad_email.json())["errors"] == {"email": "is not an email address"}
    ok = {"email": "a@example.com", "password": "abcdefg1", "name": "A"}
    assert (await bare_client.post(f"{API}/auth/register", json=ok)).status == 201
    taken = await bare_client.post(f"{API}/auth/register", json={**ok, "email": "A@example.com"})
    assert taken.status == 409
    assert (await taken.json())["errors"] == {"email": "is already registered"}


async def test_login_same_message_for_unknown_email_and_wrong_password(client: TestClient[Any, Any]) -> None:
    wrong = await client.post(f"{API}/auth/login", json={"email": demo.MEMBER_EMAIL, "password": "wrong-123"})
    unknown = await client.post(f"{API}/auth/login",
                                json={"email": "ghost@example.com", "password": "wrong-123"})
    assert wrong.status == unknown.status == 401
    assert (await wrong.json())["detail"] == (await unknown.json())["detail"]
    ok = await client.post(f"{API}/auth/login", json=MEMBER)
    assert ok.status == 200
    assert (await ok.json())["user"]["email"] == demo.MEMBER_EMAIL


async def test_login_rate_limited_after_repeated_failures(client: TestClient[Any, Any], db_url: str) -> None:
    for _ in range(5):
        resp = await client.post(f"{API}/auth/login", json={**MEMBER, "password": "bad-guess1"})
        assert resp.status == 401
    limited = await client.post(f"{API}/auth/login",
                                json=MEMBER)
    assert limited.status == 429
    assert limited.content_type == "application/problem+json"
    assert 1 <= int(limited.headers["Retry-After"]) <= 300
    # once the window lapses, the right password works and clears that address's count for the email
    with psycopg.connect(db_url, autocommit=True) as c:
        c.execute("UPDATE booking.rate_limits SET window_end = now() - interval '1 second', "
                  "window_start = now() - interval '1 hour' WHERE bucket = 'login'")
    ok = await client.post(f"{API}/auth/login", json=MEMBER)
    assert ok.status == 200
    with psycopg.connect(db_url, autocommit=True) as c:
        assert c.execute("SELECT count(*) FROM booking.rate_limits WHERE bucket = 'login'").fetchone() == (0,)


async def test_refresh_rotates_and_reuse_revokes_family(client: TestClient[Any, Any]) -> None:
    login = await client.post(f"{API}/auth/login",
                              json=MEMBER)
    first = _cookie(login)
    client.session.cookie_jar.clear()
    r1 = await client.post(f"{API}/auth/refresh", cookies={REFRESH_COOKIE: first})
    assert r1.status == 200, await r1.text()
    second = _cookie(r1)
    assert second != first
    assert (await r1.json())["access_token"]
    client.session.cookie_jar.clear()
    # an attacker replays the first (rotated) token: refused, and the whole family is revoked
    reuse = await client.post(f"{API}/auth/refresh", cookies={REFRESH_COOKIE: first})
    assert reuse.status == 401
    assert "already used" in (await reuse.json())["detail"]
    client.session.cookie_jar.clear()
    legit = await client.post(f"{API}/auth/refresh", cookies={REFRESH_COOKIE: second})
    assert legit.status == 401


async def test_refresh_without_or_with_unknown_cookie(client: TestClient[Any, Any]) -> None:
    assert (await client.post(f"{API}/auth/refresh")).status == 401
    assert (await client.post(f"{API}/auth/refresh", cookies={REFRESH_COOKIE: "nope"})).status == 401


async def test_logout_revokes_refresh_token(client: TestClient[Any, Any]) -> None:
    login = await client.post(f"{API}/auth/login",
                              json=MEMBER)
    token = _cookie(login)
    client.session.cookie_jar.clear()
    out = await client.post(f"{API}/auth/logout", cookies={REFRESH_COOKIE: token})
    assert out.status == 204
    assert out.cookies[REFRESH_COOKIE].value == ""
    client.session.cookie_jar.clear()
    assert (await client.post(f"{API}/auth/refresh", cookies={REFRESH_COOKIE: token})).status == 401
    assert (await client.post(f"{API}/auth/logout")).status == 204


async def test_bad_credentials_are_401(client: TestClient[Any, Any], users: Any) -> None:
    for header in ("Bearer nonsense", "Basic abc", "Bearer bk_unknown", "Bearer"):
        resp = await client.get(f"{API}/me", headers={"Authorization": header})
        assert resp.status == 401, header
        assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    assert (await client.get(f"{API}/me")).status == 401


async def test_expired_access_token(client: TestClient[Any, Any], users: Any, settings: Any) -> None:
    import jwt

    token = jwt.encode({"sub": str(users.id("member")), "role": "member", "typ": "access", "exp": 1},
                       settings.secret, algorithm="HS256")
    resp = await client.get(f"{API}/me", headers={"Authorization": f"Bearer {token}"})
    assert resp.status == 401
    assert "expired" in (await resp.json())["detail"]


async def test_api_tokens_shown_once_stored_hashed(client: TestClient[Any, Any], users: Any,
                                                   db_url: str) -> None:
    h = users.headers("member")
    created = await client.post(f"{API}/me/tokens", json={"name": "ci", "expires_in_days": 30}, headers=h)
    assert created.status == 201
    body = await created.json()
    token = body["token"]
    assert token.startswith("bk_") and len(token) > 40
    with psycopg.connect(db_url) as c:
        stored = c.execute("SELECT token_hash FROM booking.api_tokens").fetchone()
    assert stored and token not in stored[0]
    listed = await (await client.get(f"{API}/me/tokens", headers=h)).json()
    assert [t["name"] for t in listed["data"]] == ["ci"]
    assert "token" not in listed["data"][0]
    me = await client.get(f"{API}/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status == 200 and (await me.json())["email"] == demo.MEMBER_EMAIL
    # another user cannot revoke it; its owner can, and then it stops working
    other = await client.delete(f"{API}/me/tokens/{body['id']}", headers=users.headers("ana"))
    assert other.status == 404
    assert (await client.delete(f"{API}/me/tokens/{body['id']}", headers=h)).status == 204
    assert (await client.get(f"{API}/me", headers={"Authorization": f"Bearer {token}"})).status == 401
    assert (await client.delete(f"{API}/me/tokens/not-a-uuid", headers=h)).status == 404
    assert (await client.post(f"{API}/me/tokens", json={}, headers=h)).status == 422
    for bad, field in (({"name": "ci", "expires_in_days": 0}, "expires_in_days"),
                       ({"name": "ci", "expires_in_days": 10**12}, "expires_in_days"),
                       ({"name": "x" * 101}, "name")):
        refused = await client.post(f"{API}/me/tokens", json=bad, headers=h)
        assert refused.status == 422, await refused.text()  # the database's rule, naming the field
        assert set((await refused.json())["errors"]) == {field}
