"""GET /me, /me/tokens (API tokens), /me/bookings."""

from __future__ import annotations

from aiohttp import web

from edge import db
from edge.auth import API_TOKEN_PREFIX, new_secret_token, require_user, sha256
from edge.errors import Problem
from edge.http import Fields, json_response, page_params, path_uuid, read_json


async def me(request: web.Request) -> web.Response:
    principal = await require_user(request)
    row = await db.query_one(request, "SELECT api.me(%s) AS v", (principal.id,))
    assert row
    return json_response(row["v"])


async def list_tokens(request: web.Request) -> web.Response:
    principal = await require_user(request)
    rows = await db.query(request, "SELECT * FROM api.api_tokens(%s)", (principal.id,))
    return json_response({"data": rows})


async def create_token(request: web.Request) -> web.Response:
    """A new API token; the secret is in this response only, the database keeps its SHA-256."""
    principal = await require_user(request)
    f = Fields(await read_json(request))
    name = f.text("name", required=True)  # lengths and lifetimes are api.create_api_token's rules
    days = f.integer("expires_in_days", lo=-(2**31), hi=2**31 - 1)  # a PostgreSQL integer
    f.check()
    token = new_secret_token(API_TOKEN_PREFIX)
    row = await db.query_one(request, "SELECT * FROM api.create_api_token(%s, %s, %s, %s, %s)",
                             (principal.id, name, sha256(token), token[:10], days))
    assert row
    return json_response({**row, "token": token}, status=201,
                         headers={"Location": f"/api/v1/me/tokens/{row['id']}"})


async def delete_token(request: web.Request) -> web.Response:
    principal = await require_user(request)
    token_id = path_uuid(request, what="token")
    row = await db.query_one(request, "SELECT api.revoke_api_token(%s, %s) AS revoked",
                             (principal.id, token_id))
    if not (row and row["revoked"]):
        raise Problem(404, "token not found")
    return web.Response(status=204)


async def my_bookings(request: web.Request) -> web.Response:
    principal = await require_user(request)
    page, limit = page_params(request)
    f = Fields(request.query)
    start = f.instant("from")
    end = f.instant("to")
    status = f.text("status", max_len=100)
    f.check()
    statuses = [s.strip() for s in status.split(",") if s.strip()] if status else None
    row = await db.query_one(request, "SELECT api.my_bookings(%s, %s, %s, %s, %s, %s) AS v",
                             (principal.id, start, end, statuses or None, page, limit))
    assert row
    return json_response(row["v"])
