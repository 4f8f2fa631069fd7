"""Issue 14, accounts over HTTP: password reset by email (same answer for any address,
single use, expiring, revokes every sign-in, rate-limited), email verification, the
profile, a password change that ends the other sign-ins, and booking questions and the
verified-email rule at POST /bookings. Hostile input: 4xx naming the field, never a 500."""

from __future__ import annotations

import asyncio
from typing import Any

import psycopg
from aiohttp.test_utils import TestClient

from booker import demo
from booker.account_tokens import account_token
from edge.auth import REFRESH_COOKIE
from tests.edge.conftest import SECRET, Users, free_slots

API = "/api/v1"


def _latest_token(db_url: str, kind: str, recipient: str) -> str:
    with psycopg.connect(db_url) as c:
        row = c.execute("SELECT payload FROM booking.notification_log WHERE kind = %s AND recipient = %s "
                        "ORDER BY id DESC LIMIT 1", (kind, recipient)).fetchone()
    assert row, f"no {kind} email to {recipient}"
    return account_token(SECRET, row[0]["purpose"], row[0]["token_id"])


async def _login(client: TestClient[Any, Any], email: str, password: str) -> tuple[str, str]:
    resp = await client.post(f"{API}/auth/login", json={"email": email, "password": password})
    assert resp.status == 200, await resp.text()
    return (await resp.json())["access_token"], resp.cookies[REFRESH_COOKIE].value


async def _refresh(client: TestClient[Any, Any], token: str) -> Any:
    """POST /auth/refresh with exactly this refresh cookie."""
    client.session.cookie_jar.clear()
    return await client.post(f"{API}/auth/refresh", headers={"Cookie": f"{REFRESH_COOKIE}={token}"})


async def test_reset_answers_alike_for_unknown_and_known_addresses(client: TestClient[Any, Any],
                                                                   demo_url: str) -> None:
    known = await client.post(f"{API}/auth/password-reset", json={"email": demo.MEMBER_EMAIL})
    unknown = await client.post(f"{API}/auth/password-reset", json={"email": "ghost@example.com"})
    assert known.status == unknown.status == 202
    assert await known.json() == await unknown.json()
    with psycopg.connect(demo_url) as c:
        kinds = c.execute("SELECT recipient FROM booking.notification_log "
                          "WHERE kind = 'account_password_reset'").fetchall()
        stored = c.execute("SELECT token_hash FROM booking.account_tokens").fetchall()
    assert kinds == [(demo.MEMBER_EMAIL,)]
    token = _latest_token(demo_url, "account_password_reset", demo.MEMBER_EMAIL)
    assert all(token not in row[0] for row in stored)  # only its hash is stored


async def test_reset_is_single_use_and_ends_every_sign_in(client: TestClient[Any, Any],
                                                          demo_url: str) -> None:
    access, refresh = await _login(client, demo.MEMBER_EMAIL, demo.MEMBER_PASSWORD)
    await asyncio.sleep(1.05)  # access tokens carry whole seconds: the old one is from an earlier second
    assert (await client.post(f"{API}/auth/password-reset", json={"email": demo.MEMBER_EMAIL})).status == 202
    token = _latest_token(demo_url, "account_password_reset", demo.MEMBER_EMAIL)

    confirm = f"{API}/auth/password-reset/confirm"
    weak = await client.post(confirm, json={"token": token, "password": "password"})
    assert weak.status == 422 and "password" in (await weak.json())["errors"]
    ok = await client.post(confirm, json={"token": token, "password": "n3w-secret-pw"})
    assert ok.status == 204, await ok.text()
    again = await client.post(confirm, json={"token": token, "password": "an0ther-pw"})
    assert again.status == 422
    assert (await again.json())["errors"] == {"token": "is not valid or has expired; ask for a new link"}

    assert (await client.get(f"{API}/me", headers={"Authorization": f"Bearer {access}"})).status == 401
    assert (await _refresh(client, refresh)).status == 401
    old = await client.post(f"{API}/auth/login",
                            json={"email": demo.MEMBER_EMAIL, "password": demo.MEMBER_PASSWORD})
    assert old.status == 401
    await _login(client, demo.MEMBER_EMAIL, "n3w-secret-pw")


async def test_reset_hostile_tokens_and_limits(client: TestClient[Any, Any]) -> None:
    url = f"{API}/auth/password-reset/confirm"
    for body, field in [({"token": "x" * 5000, "password": "n3w-secret-pw"}, "token"),
                        ({"token": "tök€n", "password": "n3w-secret-pw"}, "token"),
                        ({"token": 12, "password": "n3w-secret-pw"}, "token"),
                        ({"token": "unknown", "password": "n3w-secret-pw"}, "token"),
                        ({"password": "n3w-secret-pw"}, "token"),
                        ({"token": "abc", "password": "x" * 5000}, "password")]:
        resp = await client.post(url, json=body)
        assert resp.status == 422, (body, await resp.text())
        assert field in (await resp.json())["errors"]
    bad = await client.post(f"{API}/auth/password-reset", json={"email": ["a"]})
    assert bad.status == 422 and "email" in (await bad.json())["errors"]
    huge = await client.post(f"{API}/auth/password-reset", json={"email": "a" * 300 + "@example.com"})
    assert huge.status == 422
    # three emails an hour to one address, then 429, for a known and an unknown address alike
    for address in (demo.MEMBER_EMAIL, "ghost@example.com"):
        statuses = [(await client.post(f"{API}/auth/password-reset", json={"email": address})).status
                    for _ in range(4)]
        assert statuses == [202, 202, 202, 429]


async def test_register_sends_a_verification_link_that_verifies(client: TestClient[Any, Any],
                                                                demo_url: str) -> None:
    resp = await client.post(f"{API}/auth/register",
                             json={"email": "vera@example.com", "password": "s3cret-pass", "name": "Vera"})
    assert resp.status == 201
    headers = {"Authorization": f"Bearer {(await resp.json())['access_token']}"}
    assert (await (await client.get(f"{API}/me", headers=headers)).json())["email_verified"] is False
    first = _latest_token(demo_url, "account_verify_email", "vera@example.com")
    again = await client.post(f"{API}/me/verify-email", headers=headers)
    assert again.status == 202 and (await again.json())["sent"] is True
    latest = _latest_token(demo_url, "account_verify_email", "vera@example.com")
    assert (await client.post(f"{API}/auth/verify-email", json={"token": first})).status == 422  # retired
    ok = await client.post(f"{API}/auth/verify-email", json={"token": latest})
    assert ok.status == 200 and (await ok.json())["email_verified"] is True
    assert (await client.post(f"{API}/auth/verify-email", json={"token": latest})).status == 422  # used
    done = await client.post(f"{API}/me/verify-email", headers=headers)
    assert done.status == 202 and (await done.json())["sent"] is False
    assert (await client.post(f"{API}/me/verify-email")).status == 401


async def test_profile(client: TestClient[Any, Any], users: Users) -> None:
    h = users.headers("member")
    ok = await client.patch(f"{API}/me/profile", headers=h, json={"name": " Mia ", "time_zone": "Asia/Tokyo"})
    assert ok.status == 200, await ok.text()
    body = await ok.json()
    assert (body["name"], body["time_zone"]) == ("Mia", "Asia/Tokyo")
    for payload, field in [({"time_zone": "Mars/Olympus"}, "time_zone"), ({"name": ""}, "name"),
                           ({"name": {"x": 1}}, "name"), ({"name": "x" * 201}, "name"), ({}, "body"),
                           ({"time_zone": "EST"}, "time_zone"),
                           ({"time_zone": "posix/Asia/Tokyo"}, "time_zone")]:  # browsers do not know it
        resp = await client.patch(f"{API}/me/profile", headers=h, json=payload)
        assert resp.status == 422, (payload, await resp.text())
        assert field in (await resp.json())["errors"], await resp.text()
    cleared = await client.patch(f"{API}/me/profile", headers=h, json={"time_zone": None})
    assert (await cleared.json())["time_zone"] is None
    assert (await client.patch(f"{API}/me/profile", json={"name": "X"})).status == 401


async def test_password_change_ends_the_other_sign_ins(client: TestClient[Any, Any]) -> None:
    other_access, other_refresh = await _login(client, demo.MEMBER_EMAIL, demo.MEMBER_PASSWORD)
    await asyncio.sleep(1.05)  # whole-second iat: the other sign-in's token is from an earlier second
    access, refresh = await _login(client, demo.MEMBER_EMAIL, demo.MEMBER_PASSWORD)
    h = {"Authorization": f"Bearer {access}"}
    wrong = await client.post(f"{API}/auth/password", headers=h,
                              json={"current_password": "nope-1234", "new_password": "n3w-secret-pw"})
    assert wrong.status == 422 and "current_password" in (await wrong.json())["errors"]
    weak = await client.post(f"{API}/auth/password", headers=h,
                             json={"current_password": demo.MEMBER_PASSWORD, "new_password": "short"})
    assert weak.status == 422 and "new_password" in (await weak.json())["errors"]
    ok = await client.post(f"{API}/auth/password", headers=h,
                           json={"current_password": demo.MEMBER_PASSWORD, "new_password": "n3w-secret-pw"})
    assert ok.status == 200, await ok.text()
    body = await ok.json()
    assert body["sessions_revoked"] >= 1
    fresh = {"Authorization": f"Bearer {body['access_token']}"}
    assert (await client.get(f"{API}/me", headers=fresh)).status == 200
    assert (await client.get(f"{API}/me", headers={"Authorization": f"Bearer {other_access}"})).status == 401
    assert (await _refresh(client, other_refresh)).status == 401
    assert (await _refresh(client, refresh)).status == 200  # this sign-in stays


async def test_booking_questions_over_http(client: TestClient[Any, Any], users: Users) -> None:
    admin = users.headers("admin")
    detail = await (await client.get(f"{API}/services/consultation")).json()
    questions = [{"id": "topic", "label": "Topic", "type": "short_text", "required": True},
                 {"id": "level", "label": "Level", "type": "choice", "options": ["New", "Returning"]}]
    patched = await client.patch(f"{API}/admin/services/{detail['id']}", headers=admin,
                                 json={"questions": questions})
    assert patched.status == 200, await patched.text()
    bad_q = await client.patch(f"{API}/admin/services/{detail['id']}", headers=admin,
                               json={"questions": [{"label": "X", "type": "essay"}]})
    assert bad_q.status == 422 and "questions[0].type" in (await bad_q.json())["errors"]
    assert (await (await client.get(f"{API}/services/consultation")).json())["questions"][0]["id"] == "topic"

    slot = (await free_slots(client, "consultation"))[0]
    base = {"service": "consultation", "starts_at": slot, "attendee": {"name": "Q", "email": "q@example.net"}}
    for answers, field in [(None, "answers.topic"), ({"topic": "x" * 201}, "answers.topic"),
                           ({"topic": "x", "level": "Guru"}, "answers.level"), ("yes", "answers"),
                           ({"topic": "x", "nope": 1}, "answers.nope"), ({"topic": ["x"]}, "answers.topic"),
                           ({"topic": "x" * 60000}, "answers.topic")]:
        body = dict(base) if answers is None else {**base, "answers": answers}
        resp = await client.post(f"{API}/bookings", json=body)
        assert resp.status == 422, (field, await resp.text())
        assert field in (await resp.json())["errors"], await resp.text()
    nul = await client.post(f"{API}/bookings", json={**base, "answers": {"topic": "a\x00b"}})
    assert nul.status == 422
    ok = await client.post(f"{API}/bookings", json={**base, "answers": {"topic": "Taxes", "level": "New"}})
    assert ok.status == 201, await ok.text()
    query = {"q": "q@example.net"}
    listed = await (await client.get(f"{API}/admin/bookings", headers=admin, params=query)).json()
    [row] = listed["data"]
    assert row["metadata"]["answers"] == [{"id": "topic", "label": "Topic", "answer": "Taxes"},
                                          {"id": "level", "label": "Level", "answer": "New"}]
    csv = await (await client.get(f"{API}/admin/bookings", headers={**admin, "Accept": "text/csv"},
                                  params={"q": "q@example.net"})).text()
    assert csv.splitlines()[0].endswith(",answers")
    assert csv.splitlines()[1].endswith("Topic: Taxes; Level: New")


async def test_verified_email_rule(client: TestClient[Any, Any], users: Users, demo_url: str) -> None:
    with psycopg.connect(demo_url) as c:  # the demo's accounts are verified; this one is not
        c.execute("UPDATE booking.users SET email_verified_at = NULL WHERE email = %s", (demo.MEMBER_EMAIL,))
    admin = users.headers("admin")
    detail = await (await client.get(f"{API}/services/consultation")).json()
    resp = await client.patch(f"{API}/admin/services/{detail['id']}", headers=admin,
                              json={"requires_verified_email": True})
    assert resp.status == 200
    slot = (await free_slots(client, "consultation"))[0]
    refused = await client.post(f"{API}/bookings", headers=users.headers("member"),
                                json={"service": "consultation", "starts_at": slot})
    assert refused.status == 403
    assert "requires_verified_email" in (await refused.json())["detail"]
    with psycopg.connect(demo_url) as c:
        c.execute("UPDATE booking.users SET email_verified_at = now() WHERE email = %s", (demo.MEMBER_EMAIL,))
    ok = await client.post(f"{API}/bookings", headers=users.headers("member"),
                           json={"service": "consultation", "starts_at": slot})
    assert ok.status == 201, await ok.text()
