"""The caller's role and `disabled_at` come from the database on every request (issue 9):
a token's role claim is never trusted, and a demoted or disabled account loses access at once;
disabling revokes refresh and API tokens, and re-enabling revives none."""

from __future__ import annotations

import asyncio
import re
import uuid
from typing import Any

import psycopg
import pytest
from aiohttp.test_utils import TestClient

from booker import demo
from edge.app import ROUTES
from edge.auth import REFRESH_COOKIE, issue_access_token

from .conftest import SECRET

API = "/api/v1"
ADMIN_ROUTES = [(method, path) for method, path, _ in ROUTES if path.startswith(f"{API}/admin")]


def _concrete(path: str) -> str:
    return re.sub(r"\{[a-z]+\}", str(uuid.uuid4()), path)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_every_admin_route_is_listed() -> None:
    assert len(ADMIN_ROUTES) >= 20


@pytest.mark.parametrize("who", ["member", "stranger"])
async def test_a_forged_admin_claim_is_refused_on_every_admin_route(
    client: TestClient[Any, Any], users: Any, who: str
) -> None:
    """A token signed with the secret that says "role": "admin": a member's id gets 403, an id
    that names no account gets 401, on every admin route."""
    sub = str(users.id("member")) if who == "member" else str(uuid.uuid4())
    token, _ = issue_access_token(SECRET, sub, "admin")
    expected = 403 if who == "member" else 401
    for method, path in ADMIN_ROUTES:
        resp = await client.request(method, _concrete(path), headers=_bearer(token), json={})
        assert resp.status == expected, (method, path, resp.status, await resp.text())
        assert resp.content_type == "application/problem+json"
    # the claim does not even reach the member's own routes as admin
    me = await client.get(f"{API}/me", headers=_bearer(token))
    if who == "member":
        assert (await me.json())["role"] == "member"
    else:
        assert me.status == 401


async def test_a_demoted_admin_loses_admin_routes_at_once(
    client: TestClient[Any, Any], users: Any, db_url: str
) -> None:
    headers = users.headers("admin")  # minted while still an admin
    assert (await client.get(f"{API}/admin/bookings", headers=headers)).status == 200
    with psycopg.connect(db_url, autocommit=True) as c:
        c.execute("UPDATE booking.users SET role = 'member' WHERE id = %s", (users.id("admin"),))
    resp = await client.get(f"{API}/admin/bookings", headers=headers)
    assert resp.status == 403


async def _api_token(client: TestClient[Any, Any], headers: dict[str, str]) -> str:
    resp = await client.post(f"{API}/me/tokens", json={"name": "ci"}, headers=headers)
    assert resp.status == 201, await resp.text()
    return str((await resp.json())["token"])


async def test_disabling_an_account_ends_every_credential_at_once(
    client: TestClient[Any, Any], users: Any, db_url: str
) -> None:
    login = await client.post(
        f"{API}/auth/login", json={"email": demo.MEMBER_EMAIL, "password": demo.MEMBER_PASSWORD}
    )
    assert login.status == 200
    access = _bearer((await login.json())["access_token"])
    refresh_cookie = login.cookies[REFRESH_COOKIE].value
    api_token = _bearer(await _api_token(client, access))
    assert (await client.get(f"{API}/me", headers=api_token)).status == 200

    with psycopg.connect(db_url, autocommit=True) as c:
        c.execute("UPDATE booking.users SET disabled_at = now() WHERE id = %s", (users.id("member"),))
        revoked = c.execute(
            "SELECT (SELECT count(*) FROM booking.refresh_tokens"
            "         WHERE user_id = %(u)s AND revoked_at IS NULL),"
            "       (SELECT count(*) FROM booking.api_tokens WHERE user_id = %(u)s AND revoked_at IS NULL)",
            {"u": users.id("member")},
        ).fetchone()
    assert revoked == (0, 0), "disabling revokes refresh and API tokens in the database"

    for headers in (access, api_token):
        resp = await client.get(f"{API}/me/bookings", headers=headers)
        assert resp.status == 401, await resp.text()
        assert resp.content_type == "application/problem+json"
    # no new API token with the still-unexpired access token
    assert (await client.post(f"{API}/me/tokens", json={"name": "late"}, headers=access)).status == 401
    client.session.cookie_jar.update_cookies({REFRESH_COOKIE: refresh_cookie})
    assert (await client.post(f"{API}/auth/refresh")).status == 401

    # re-enabling revives none of the old credentials, not even the unexpired access token;
    # signing in again works
    with psycopg.connect(db_url, autocommit=True) as c:
        c.execute("UPDATE booking.users SET disabled_at = NULL WHERE id = %s", (users.id("member"),))
    for headers in (access, api_token):
        assert (await client.get(f"{API}/me", headers=headers)).status == 401
    client.session.cookie_jar.update_cookies({REFRESH_COOKIE: refresh_cookie})
    assert (await client.post(f"{API}/auth/refresh")).status == 401
    await asyncio.sleep(1.1)  # access tokens carry whole seconds: the next one is issued after the revocation
    again = await client.post(
        f"{API}/auth/login", json={"email": demo.MEMBER_EMAIL, "password": demo.MEMBER_PASSWORD}
    )
    assert again.status == 200
    fresh = _bearer((await again.json())["access_token"])
    assert (await client.get(f"{API}/me", headers=fresh)).status == 200


async def test_the_database_refuses_a_token_for_a_disabled_account(users: Any, db_url: str) -> None:
    with psycopg.connect(db_url, autocommit=True) as c:
        c.execute("UPDATE booking.users SET disabled_at = now() WHERE id = %s", (users.id("member"),))
        for sql in (
            "INSERT INTO booking.api_tokens (user_id, name, token_hash, prefix) VALUES (%s, 'x', 'h', 'bk_')",
            "INSERT INTO booking.refresh_tokens (user_id, family_id, token_hash, expires_at) "
            "VALUES (%s, gen_random_uuid(), 'h', now() + interval '1 day')",
        ):
            with pytest.raises(psycopg.Error) as err:
                c.execute(sql, (users.id("member"),))
            assert err.value.sqlstate == "RB401"
