"""Admin endpoints for webhooks (issue 16): register, change, delete endpoints, read an
endpoint's delivery log and redeliver. Thin: each handler checks the caller is an admin,
passes the JSON body's known fields to one api.* function (which names a bad field with
RB422) and returns its answer. Delivery itself is the worker's (worker/webhooks.py)."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from psycopg.types.json import Jsonb

from edge import db
from edge.auth import require_admin
from edge.errors import not_found
from edge.http import Fields, json_response, page_params, path_uuid, read_json

FIELDS = ("url", "events", "secret", "description", "max_attempts", "active")


async def _call(request: web.Request, sql: str, params: Any) -> Any:
    row = await db.query_one(request, sql, params)
    assert row
    return row["v"]


async def _fields(request: web.Request) -> Jsonb:
    body = await read_json(request)
    return Jsonb({k: body[k] for k in FIELDS if k in body})


async def event_types(request: web.Request) -> web.Response:
    await require_admin(request)
    return json_response({"data": await _call(request, "SELECT api.webhook_event_types() AS v", ())})


async def list_endpoints(request: web.Request) -> web.Response:
    principal = await require_admin(request)
    return json_response(await _call(request, "SELECT api.webhook_endpoints(%s) AS v", (principal.id,)))


async def create_endpoint(request: web.Request) -> web.Response:
    principal = await require_admin(request)
    endpoint = await _call(request, "SELECT api.create_webhook_endpoint(%s, %s) AS v",
                           (principal.id, await _fields(request)))
    return json_response(endpoint, status=201,
                         headers={"Location": f"/api/v1/admin/webhooks/{endpoint['id']}"})


async def update_endpoint(request: web.Request) -> web.Response:
    principal = await require_admin(request)
    endpoint_id = path_uuid(request, what="webhook endpoint")
    return json_response(await _call(request, "SELECT api.update_webhook_endpoint(%s, %s, %s) AS v",
                                     (principal.id, endpoint_id, await _fields(request))))


async def delete_endpoint(request: web.Request) -> web.Response:
    principal = await require_admin(request)
    await _call(request, "SELECT api.delete_webhook_endpoint(%s, %s) AS v",
                (principal.id, path_uuid(request, what="webhook endpoint")))
    return web.Response(status=204)


async def list_deliveries(request: web.Request) -> web.Response:
    principal = await require_admin(request)
    endpoint_id = path_uuid(request, what="webhook endpoint")
    page, limit = page_params(request, max_limit=200, default_limit=50)
    f = Fields(request.query)
    status = f.text("status", max_len=50)
    f.check()
    return json_response(await _call(request, "SELECT api.webhook_deliveries(%s, %s, %s, %s, %s) AS v",
                                     (principal.id, endpoint_id, status, page, limit)))


async def redeliver(request: web.Request) -> web.Response:
    principal = await require_admin(request)
    try:
        delivery_id = int(request.match_info["id"])
    except ValueError:
        raise not_found("webhook delivery") from None
    if not 0 < delivery_id < 2**63:
        raise not_found("webhook delivery")
    return json_response(await _call(request, "SELECT api.redeliver_webhook(%s, %s) AS v",
                                     (principal.id, delivery_id)), status=201)
