"""Who is calling: access JWTs, API tokens, refresh cookies, and the role checks.

* Access tokens: HS256 JWTs signed with BOOKER_SECRET, valid 15 minutes
  (claims sub, role, iat, exp, typ=access).
* API tokens: `bk_` + 43 random URL-safe characters; only their SHA-256 is stored.
* Refresh tokens: random, SHA-256 stored, sent as an httpOnly SameSite=Strict cookie
  scoped to /api/v1/auth, valid 7 days and rotated on each use; presenting a rotated
  (or revoked) one revokes its whole family.
* Every request with a credential asks the database who the caller is now
  (api.caller / api.api_token_caller): the role claim of a token is never trusted, and a
  demoted or disabled account loses its rights at once (disabled: 401).
"""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Any

import jwt
from aiohttp import web

from edge import db, guard
from edge.errors import Problem

ACCESS_TTL = 15 * 60
REFRESH_TTL = 7 * 24 * 3600
REFRESH_COOKIE = "booker_refresh"
REFRESH_PATH = "/api/v1/auth"
API_TOKEN_PREFIX = "bk_"


@dataclass(frozen=True)
class Principal:
    """An authenticated caller."""

    id: str
    role: str
    via: str  # "jwt" or "api_token"

    @property
    def admin(self) -> bool:
        return self.role == "admin"


# The caller of this request once resolved; None for anonymous.
PRINCIPAL: web.RequestKey[Principal | None] = web.RequestKey("principal")


def client_address(request: web.Request) -> str:
    """The address the abuse limits count a request against: the peer, or the client a trusted
    reverse proxy names in X-Forwarded-For (edge/guard.py)."""
    return guard.client_address(request, request.app[db.SETTINGS])


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def new_secret_token(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def issue_access_token(secret: str, user_id: str, role: str) -> tuple[str, int]:
    now = int(time.time())
    claims = {"sub": user_id, "role": role, "typ": "access", "iat": now, "exp": now + ACCESS_TTL}
    return jwt.encode(claims, secret, algorithm="HS256"), ACCESS_TTL


def _unauthorized(detail: str) -> Problem:
    return Problem(401, detail, headers={"WWW-Authenticate": 'Bearer realm="booker"'})


def credential_header(request: web.Request, name: str) -> str | None:
    """A credential header's value; 401 when it holds anything but printable ASCII (every token
    Booker issues is ASCII; a non-UTF-8 byte arrives as a surrogate escape no hash can take)."""
    value = request.headers.get(name)
    if value is not None and not (value.isascii() and value.isprintable()):
        raise Problem(401, f"the {name} header must be printable ASCII",
                      errors={name: "is not a valid credential"},
                      headers={"WWW-Authenticate": 'Bearer realm="booker"'})
    return value


def _decode(secret: str, token: str) -> dict[str, Any]:
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["exp", "sub"]})
    except jwt.ExpiredSignatureError:
        raise _unauthorized("the access token has expired; refresh it") from None
    except jwt.InvalidTokenError:
        raise _unauthorized("the access token is not valid") from None
    if claims.get("typ") != "access" or not isinstance(claims.get("sub"), str):
        raise _unauthorized("the access token is not valid")
    return claims


async def current_user(request: web.Request) -> Principal | None:
    """The caller, or None for an anonymous request; 401 for a bad or expired credential."""
    if PRINCIPAL in request:
        return request[PRINCIPAL]
    principal: Principal | None = None
    header = credential_header(request, "Authorization")
    if header:
        scheme, _, credential = header.partition(" ")
        credential = credential.strip()
        if scheme.lower() != "bearer" or not credential:
            raise _unauthorized("use Authorization: Bearer <token>")
        if credential.startswith(API_TOKEN_PREFIX):
            row = await db.query_one(request, "SELECT user_id::text AS id, role "
                                     "FROM api.api_token_caller(%s)",
                                     (sha256(credential),))
            if row is None:
                raise _unauthorized("the API token is not valid")
            principal = Principal(row["id"], row["role"], "api_token")
        else:
            claims = _decode(request.app[db.SETTINGS].secret, credential)
            try:
                user_id = uuid.UUID(claims["sub"])
            except ValueError:
                raise _unauthorized("the access token is not valid") from None
            # the role comes from the database, never from the token
            issued = claims.get("iat")
            row = await db.query_one(request, "SELECT api.caller(%s, to_timestamp(%s)) AS role",
                                     (user_id, issued if isinstance(issued, int) else None))
            if row is None or row["role"] is None:
                raise _unauthorized("this account is disabled or no longer exists")
            principal = Principal(str(user_id), row["role"], "jwt")
    request[PRINCIPAL] = principal
    return principal


async def require_user(request: web.Request) -> Principal:
    principal = await current_user(request)
    if principal is None:
        raise _unauthorized("sign in first")
    return principal


async def require_admin(request: web.Request) -> Principal:
    principal = await require_user(request)
    if not principal.admin:
        raise Problem(403, "admins only")
    return principal


def set_refresh_cookie(request: web.Request, response: web.StreamResponse, token: str) -> None:
    secure = request.app[db.SETTINGS].secure_cookies
    response.set_cookie(REFRESH_COOKIE, token, max_age=REFRESH_TTL, path=REFRESH_PATH,
                        httponly=True, samesite="Strict", secure=secure)


def clear_refresh_cookie(response: web.StreamResponse) -> None:
    response.del_cookie(REFRESH_COOKIE, path=REFRESH_PATH)
