"""POST /auth/register, /auth/login, /auth/refresh, /auth/logout."""

from __future__ import annotations

import asyncio
import math
import re
from typing import Any

import psycopg
from aiohttp import web

from booker.passwords import hash_password, password_problem, verify_password
from edge import db
from edge.auth import (
    REFRESH_COOKIE,
    REFRESH_TTL,
    clear_refresh_cookie,
    issue_access_token,
    new_secret_token,
    set_refresh_cookie,
    sha256,
)
from edge.errors import Problem, problem_response
from edge.guard import check_origin
from edge.http import Fields, json_response, read_json

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_FAILURES = 5


def user_json(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": str(row["id"]), "email": row["email"], "name": row["name"], "role": row["role"],
            "created_at": row["created_at"]}


async def _new_refresh_token(request: web.Request, user_id: Any, family_id: Any | None = None) -> str:
    token = new_secret_token()
    await db.query(
        request,
        """INSERT INTO booking.refresh_tokens (user_id, family_id, token_hash, expires_at)
           VALUES (%s, coalesce(%s, gen_random_uuid()), %s, now() + make_interval(secs => %s))""",
        (user_id, family_id, sha256(token), REFRESH_TTL),
    )
    return token


async def _signed_in(request: web.Request, user: dict[str, Any], status: int) -> web.Response:
    access, expires_in = issue_access_token(request.app[db.SETTINGS].secret, str(user["id"]), user["role"])
    refresh = await _new_refresh_token(request, user["id"])
    response = json_response({"user": user_json(user), "access_token": access, "token_type": "Bearer",
                              "expires_in": expires_in}, status=status)
    set_refresh_cookie(request, response, refresh)
    return response


async def register(request: web.Request) -> web.Response:
    check_origin(request, request.app[db.SETTINGS])  # no sign-in from another site's page (login CSRF)
    f = Fields(await read_json(request))
    email = f.text("email", required=True, max_len=254)
    password = f.text("password", required=True, max_len=1024)
    name = f.text("name", required=True, max_len=200)
    if email and not EMAIL.match(email):
        f.errors["email"] = "is not an email address"
    if password and (problem := password_problem(password)):
        f.errors["password"] = problem
    f.check()
    assert email and password and name
    password_hash = await asyncio.to_thread(hash_password, password)
    try:
        user = await db.query_one(
            request,
            "INSERT INTO booking.users (email, name, password_hash) VALUES (lower(%s), %s, %s) "
            "RETURNING id, email, name, role::text AS role, created_at",
            (email, name, password_hash),
        )
    except psycopg.errors.UniqueViolation:
        raise Problem(409, "an account with this email already exists",
                      errors={"email": "is already registered"}) from None
    assert user
    return await _signed_in(request, user, 201)


async def login(request: web.Request) -> web.Response:
    check_origin(request, request.app[db.SETTINGS])  # no sign-in from another site's page (login CSRF)
    f = Fields(await read_json(request))
    email = f.text("email", required=True, max_len=254)
    password = f.text("password", required=True, max_len=1024)
    f.check()
    assert email and password
    key = "email:" + email.lower()
    locked = await db.query_one(
        request,
        "SELECT extract(epoch FROM locked_until - now()) AS wait FROM booking.login_attempts "
        "WHERE key = %s AND locked_until > now()",
        (key,),
    )
    if locked:
        wait = max(1, math.ceil(float(locked["wait"])))
        raise Problem(429, f"too many failed sign-ins; try again in {wait} seconds",
                      headers={"Retry-After": str(wait)})
    user = await db.query_one(
        request,
        "SELECT id, email, name, role::text AS role, created_at, password_hash FROM booking.users "
        "WHERE lower(email) = lower(%s) AND disabled_at IS NULL",
        (email,),
    )
    ok = await asyncio.to_thread(verify_password, user["password_hash"] if user else None, password)
    if not ok or user is None:
        await db.query(
            request,
            """INSERT INTO booking.login_attempts AS a (key, failures) VALUES (%(key)s, 1)
               ON CONFLICT (key) DO UPDATE SET
                   failures = CASE WHEN a.window_started_at < now() - interval '15 minutes' THEN 1
                                   ELSE a.failures + 1 END,
                   window_started_at = CASE WHEN a.window_started_at < now() - interval '15 minutes'
                                            THEN now() ELSE a.window_started_at END,
                   locked_until = CASE WHEN a.window_started_at >= now() - interval '15 minutes'
                                            AND a.failures + 1 >= %(max)s
                                       THEN now() + least(
                                           interval '15 minutes',
                                           interval '1 minute' * 2 ^ (a.failures + 1 - %(max)s))
                                  END""",
            {"key": key, "max": MAX_FAILURES},
        )
        raise Problem(401, "wrong email or password", headers={"WWW-Authenticate": 'Bearer realm="booker"'})
    await db.query(request, "DELETE FROM booking.login_attempts WHERE key = %s", (key,))
    return await _signed_in(request, user, 200)


async def refresh(request: web.Request) -> web.Response:
    """Rotate the refresh cookie; a rotated or revoked one revokes its whole family (reuse detection)."""
    check_origin(request, request.app[db.SETTINGS])  # the cookie is the credential: same site only
    token = request.cookies.get(REFRESH_COOKIE)
    if not token:
        raise Problem(401, "no refresh token; sign in again")
    new_token = new_secret_token()
    async with db.transaction(request) as cur:
        await cur.execute(
            "SELECT id, user_id, family_id, expires_at > now() AS live, rotated_at IS NOT NULL OR "
            "revoked_at IS NOT NULL AS used FROM booking.refresh_tokens WHERE token_hash = %s FOR UPDATE",
            (sha256(token),),
        )
        row = await cur.fetchone()
        outcome = "unknown"
        user = None
        if row and row["used"]:
            await cur.execute("UPDATE booking.refresh_tokens SET revoked_at = now() "
                              "WHERE family_id = %s AND revoked_at IS NULL", (row["family_id"],))
            outcome = "reused"
        elif row and row["live"]:
            await cur.execute("UPDATE booking.refresh_tokens SET rotated_at = now() WHERE id = %s",
                              (row["id"],))
            await cur.execute(
                "SELECT id, email, name, role::text AS role, created_at FROM booking.users "
                "WHERE id = %s AND disabled_at IS NULL", (row["user_id"],))
            user = await cur.fetchone()
            if user:
                await cur.execute(
                    """INSERT INTO booking.refresh_tokens (user_id, family_id, token_hash, expires_at)
                       VALUES (%s, %s, %s, now() + make_interval(secs => %s))""",
                    (row["user_id"], row["family_id"], sha256(new_token), REFRESH_TTL))
                outcome = "ok"
    if outcome != "ok" or user is None:
        detail = {"reused": "this refresh token was already used; every session of its sign-in is revoked",
                  "unknown": "the refresh token is not valid; sign in again"}.get(outcome, "sign in again")
        failed = problem_response(request, Problem(401, detail))
        clear_refresh_cookie(failed)
        return failed
    access, expires_in = issue_access_token(request.app[db.SETTINGS].secret, str(user["id"]), user["role"])
    response = json_response({"user": user_json(user), "access_token": access, "token_type": "Bearer",
                              "expires_in": expires_in})
    set_refresh_cookie(request, response, new_token)
    return response


async def logout(request: web.Request) -> web.Response:
    """Revoke the cookie's sign-in. Without a refresh cookie this server issued (e.g. a cross-site
    request, which a SameSite=Strict cookie never joins) nothing changes: no cookie is cleared."""
    check_origin(request, request.app[db.SETTINGS])
    token = request.cookies.get(REFRESH_COOKIE)
    revoked = []
    if token:
        revoked = await db.query(
            request,
            """UPDATE booking.refresh_tokens SET revoked_at = now()
                WHERE revoked_at IS NULL
                  AND family_id = (SELECT family_id FROM booking.refresh_tokens WHERE token_hash = %s)
            RETURNING id""",
            (sha256(token),),
        )
    response = web.Response(status=204)
    if revoked:
        clear_refresh_cookie(response)
    return response

