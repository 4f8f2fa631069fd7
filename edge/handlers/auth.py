"""POST /auth/register, /auth/login, /auth/refresh, /auth/logout."""

from __future__ import annotations

from typing import Any

import psycopg
from aiohttp import web

from booker.passwords import hash_password, password_problem, verify_password
from edge import db, limits
from edge.auth import (
    REFRESH_COOKIE,
    REFRESH_TTL,
    clear_refresh_cookie,
    client_address,
    issue_access_token,
    new_secret_token,
    set_refresh_cookie,
    sha256,
)
from edge.errors import Problem, problem_response
from edge.guard import check_origin
from edge.handlers import account
from edge.http import Fields, json_response, read_json


def user_json(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": str(row["id"]), "email": row["email"], "name": row["name"], "role": row["role"],
            "created_at": row["created_at"]}


async def _new_refresh_token(request: web.Request, user_id: Any) -> str:
    token = new_secret_token()
    await db.query(request, "SELECT api.issue_refresh_token(%s, %s, %s)",
                   (user_id, sha256(token), REFRESH_TTL))
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
    if password and (problem := password_problem(password)):
        f.errors["password"] = problem
    f.check()
    assert email and password and name
    async with limits.signing_in(request):
        await limits.rate_limit(request, "limit_register", "register")
        password_hash = await limits.hashing(request, hash_password, password)
    try:
        user = await db.query_one(request, "SELECT * FROM api.register_user(%s, %s, %s)",
                                  (email, name, password_hash))
    except psycopg.errors.UniqueViolation:
        raise Problem(409, "an account with this email already exists",
                      errors={"email": "is already registered"}) from None
    assert user
    await account.send_verification(request, user["id"])  # issue 14: the verification email
    return await _signed_in(request, user, 201)


async def login(request: web.Request) -> web.Response:
    check_origin(request, request.app[db.SETTINGS])  # no sign-in from another site's page (login CSRF)
    f = Fields(await read_json(request))
    email = f.text("email", required=True, max_len=254)
    password = f.text("password", required=True, max_len=1024)
    f.check()
    assert email and password
    async with limits.signing_in(request):  # before any database work: a flood is refused cheaply
        return await _login(request, email, password)


async def _login(request: web.Request, email: str, password: str) -> web.Response:
    # Failures count per (address, email): a stranger elsewhere cannot lock the owner out;
    # and per address: a spray of one password over many emails meets its limit too.
    address = client_address(request)
    pair = f"{address} {email.lower()}"
    failures = [("limit_login", "login", pair), ("limit_login_address", "login-address", address)]
    await limits.check(request, failures)
    user = await db.query_one(request, "SELECT * FROM api.login_user(%s)", (email,))
    ok = await limits.hashing(request, verify_password, user["password_hash"] if user else None, password)
    if not ok or user is None:
        await limits.count(request, failures)
        raise Problem(401, "wrong email or password", headers={"WWW-Authenticate": 'Bearer realm="booker"'})
    await db.query(request, "SELECT api.rate_limit_reset('login', %s)", (pair,))
    return await _signed_in(request, user, 200)


async def refresh(request: web.Request) -> web.Response:
    """Rotate the refresh cookie; a rotated or revoked one revokes its whole family (reuse detection)."""
    check_origin(request, request.app[db.SETTINGS])  # the cookie is the credential: same site only
    token = request.cookies.get(REFRESH_COOKIE)
    if not token:
        raise Problem(401, "no refresh token; sign in again")
    new_token = new_secret_token()
    user = await db.query_one(request, "SELECT * FROM api.rotate_refresh_token(%s, %s, %s)",
                              (sha256(token), sha256(new_token), REFRESH_TTL))
    outcome = user["outcome"] if user else "unknown"
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
    revoked = False
    if token:
        row = await db.query_one(request, "SELECT api.revoke_refresh_family(%s) AS revoked", (sha256(token),))
        revoked = bool(row and row["revoked"])
    response = web.Response(status=204)
    if revoked:
        clear_refresh_cookie(response)
    return response

