"""Account lifecycle (issue 14): password reset by email, email verification, the profile
and a password change. The rules are the database's (api.request_password_reset,
api.reset_password, api.request_email_verification, api.verify_email, api.update_profile,
api.change_password); the edge derives the tokens (booker/account_tokens.py), hashes
passwords (argon2) and counts the rate limits.

POST /auth/password-reset          {email}            202, the same answer for any address
POST /auth/password-reset/confirm  {token, password}  204; every sign-in of the account ends
POST /auth/verify-email            {token}            200, the account (email_verified true)
POST /me/verify-email                                 202 {sent}: a new verification email
PATCH /me/profile                  {name, time_zone}  200, the account
POST /auth/password  {current_password, new_password} 200, a new access token; the other
                                                      sign-ins end (the refresh cookie's stays)
"""

from __future__ import annotations

import uuid
from typing import Any

from aiohttp import web
from psycopg.types.json import Jsonb

from booker.account_tokens import PASSWORD_RESET, VERIFY_EMAIL, account_token, token_hash
from booker.passwords import hash_password, password_problem, verify_password
from edge import db, limits
from edge.auth import REFRESH_COOKIE, issue_access_token, require_user, sha256
from edge.errors import Problem, invalid
from edge.http import Fields, json_response, read_json

RESET_SENT = ("If an account has this address, we have sent it a link to choose a new password. "
              "The link works once, within an hour.")


def _new_token(request: web.Request, purpose: str) -> tuple[uuid.UUID, str]:
    """A fresh token id and the SHA-256 of the token derived from it (the only form stored)."""
    token_id = uuid.uuid4()
    return token_id, token_hash(account_token(request.app[db.SETTINGS].secret, purpose, token_id))


def _token(f: Fields) -> str | None:
    token = f.text("token", required=True, max_len=100)
    if token and not (token.isascii() and token.isprintable()):
        f.errors["token"] = "is not valid or has expired; ask for a new link"
        return None
    return token


async def send_verification(request: web.Request, user_id: Any) -> bool:
    """Queue a verification email for the account (at registration and on request)."""
    token_id, hashed = _new_token(request, VERIFY_EMAIL)
    row = await db.query_one(request, "SELECT api.request_email_verification(%s, %s, %s) AS sent",
                             (user_id, token_id, hashed))
    return bool(row and row["sent"])


async def request_password_reset(request: web.Request) -> web.Response:
    f = Fields(await read_json(request))
    email = f.text("email", required=True, max_len=254)
    f.check()
    assert email
    # Counted per address and per recipient whether or not the account exists; the work
    # done is the same for both (one token derived, one call), so is the answer.
    await limits.rate_limit(request, "limit_account_emails", "account-emails")
    await limits.rate_limit(request, "limit_account_emails_to", "account-emails-to", email.lower())
    token_id, hashed = _new_token(request, PASSWORD_RESET)
    await db.query(request, "SELECT api.request_password_reset(%s, %s, %s)", (email, token_id, hashed))
    return json_response({"detail": RESET_SENT}, status=202)


async def confirm_password_reset(request: web.Request) -> web.Response:
    f = Fields(await read_json(request))
    token = _token(f)
    password = f.text("password", required=True, max_len=1024)
    if password and (problem := password_problem(password)):
        f.errors["password"] = problem
    f.check()
    assert token and password
    await limits.rate_limit(request, "limit_account_tokens", "account-tokens")
    async with limits.signing_in(request):
        password_hash = await limits.hashing(request, hash_password, password)
    await db.query(request, "SELECT api.reset_password(%s, %s)", (sha256(token), password_hash))
    return web.Response(status=204)


async def verify_email(request: web.Request) -> web.Response:
    f = Fields(await read_json(request))
    token = _token(f)
    f.check()
    assert token
    await limits.rate_limit(request, "limit_account_tokens", "account-tokens")
    row = await db.query_one(request, "SELECT api.verify_email(%s) AS v", (sha256(token),))
    assert row
    return json_response(row["v"])


async def request_verification(request: web.Request) -> web.Response:
    principal = await require_user(request)
    if body := await read_json(request):  # nothing to say: an unexpected field is a mistake, not ignored
        raise invalid({next(iter(body)): "is not a field of this request (send no body)"})
    await limits.rate_limit(request, "limit_account_emails_to", "account-emails-to", f"user:{principal.id}")
    sent = await send_verification(request, principal.id)
    return json_response({"sent": sent, "detail": "a verification email is on its way" if sent
                          else "your email address is already verified"}, status=202)


async def update_profile(request: web.Request) -> web.Response:
    principal = await require_user(request)
    body = await read_json(request)
    f = Fields(body)
    fields: dict[str, Any] = {}
    if "name" in body:
        fields["name"] = f.text("name", required=True, max_len=200)
    if "time_zone" in body:
        fields["time_zone"] = f.text("time_zone", max_len=64)  # known zones: the database's rule
    if not fields:
        f.errors["body"] = "give name and/or time_zone"
    f.check()
    row = await db.query_one(request, "SELECT api.update_profile(%s, %s::jsonb) AS v",
                             (principal.id, Jsonb(fields)))
    assert row
    return json_response(row["v"])


async def change_password(request: web.Request) -> web.Response:
    principal = await require_user(request)
    if principal.via != "jwt":
        raise Problem(403, "sign in with your password to change it (an API token cannot)")
    f = Fields(await read_json(request))
    current = f.text("current_password", required=True, max_len=1024)
    new = f.text("new_password", required=True, max_len=1024)
    if new and (problem := password_problem(new)):
        f.errors["new_password"] = problem
    f.check()
    assert current and new
    await limits.rate_limit(request, "limit_account_tokens", "password-change", f"user:{principal.id}")
    async with limits.signing_in(request):
        row = await db.query_one(request, "SELECT api.account_password_hash(%s) AS h", (principal.id,))
        stored = row["h"] if row else None
        if not await limits.hashing(request, verify_password, stored, current):
            raise Problem(422, "current_password: is not correct",
                          errors={"current_password": "is not correct"})
        password_hash = await limits.hashing(request, hash_password, new)
    keep = request.cookies.get(REFRESH_COOKIE)
    row = await db.query_one(request, "SELECT api.change_password(%s, %s, %s) AS revoked",
                             (principal.id, password_hash, sha256(keep) if keep else None))
    assert row
    access, expires_in = issue_access_token(request.app[db.SETTINGS].secret, principal.id, principal.role)
    return json_response({"access_token": access, "token_type": "Bearer", "expires_in": expires_in,
                          "sessions_revoked": row["revoked"]})
