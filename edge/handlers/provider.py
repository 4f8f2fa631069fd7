"""The provider's workspace (a user who owns resources): the bookings on their resources,
their resources' weekly hours and closures; and the signed links of the provider's "please
confirm" email, which act without a sign-in.

Thin as the others: who may see or change what is the database's rule (api.provider_*,
internal.own_resource: the resource's owner or an admin; api.use_email_action: the link's
signature, expiry and single use). Confirm, decline, cancel and move use the booking
routes (edge/handlers/bookings.py), which already let the resource's owner act.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from psycopg.types.json import Jsonb

from edge import db
from edge.auth import require_user
from edge.handlers.admin import parse_rules
from edge.http import Fields, json_response, page_params, path_uuid, read_json

STATUSES_MAX = 100


async def _call(request: web.Request, query: Any, params: Any) -> Any:
    row = await db.query_one(request, query, params)
    assert row
    return row["v"]


async def bookings(request: web.Request) -> web.Response:
    principal = await require_user(request)
    page, limit = page_params(request, max_limit=200, default_limit=50)
    f = Fields(request.query)
    start = f.instant("from")
    end = f.instant("to")
    status = f.text("status", max_len=STATUSES_MAX)
    resource = f.ident("resource")
    f.check()
    statuses = [s.strip() for s in status.split(",") if s.strip()] if status else None
    return json_response(await _call(
        request, "SELECT api.provider_bookings(%s, %s, %s, %s, %s, %s, %s) AS v",
        (principal.id, start, end, statuses or None, resource, page, limit)))


async def resources(request: web.Request) -> web.Response:
    principal = await require_user(request)
    mine = await _call(request, "SELECT api.provider_resources(%s) AS v", (principal.id,))
    return json_response({"data": mine})


async def get_rules(request: web.Request) -> web.Response:
    principal = await require_user(request)
    return json_response(await _call(request, "SELECT api.availability_rules(%s, %s) AS v",
                                     (principal.id, path_uuid(request, what="resource"))))


async def put_rules(request: web.Request) -> web.Response:
    principal = await require_user(request)
    resource_id = path_uuid(request, what="resource")
    rules = parse_rules(await read_json(request))
    return json_response(await _call(request, "SELECT api.replace_availability_rules(%s, %s, %s) AS v",
                                     (principal.id, resource_id, Jsonb(rules))))


async def list_closures(request: web.Request) -> web.Response:
    principal = await require_user(request)
    return json_response({"data": await _call(request, "SELECT api.resource_closures(%s, %s) AS v",
                                              (principal.id, path_uuid(request, what="resource")))})


async def create_closure(request: web.Request) -> web.Response:
    principal = await require_user(request)
    resource_id = path_uuid(request, what="resource")
    f = Fields(await read_json(request))
    start = f.instant("starts_at", required=True)
    end = f.instant("ends_at", required=True)
    reason = f.text("reason", max_len=500) or ""
    f.check()
    return json_response(await _call(request, "SELECT api.create_closure(%s, %s, %s, %s, %s) AS v",
                                     (principal.id, resource_id, start, end, reason)), status=201)


async def delete_closure(request: web.Request) -> web.Response:
    principal = await require_user(request)
    resource_id = path_uuid(request, what="resource")
    closure_id = path_uuid(request, "closure", what="closure")
    await db.query(request, "SELECT api.delete_closure(%s, %s, %s)", (principal.id, resource_id, closure_id))
    return web.Response(status=204)


# -- the email links --------------------------------------------------------------------------------
# The token travels in the query string (GET) or the body (POST), never in the path, which the
# access log records.

TOKEN_MAX = 300


def _token(f: Fields) -> str:
    token = f.text("token", required=True, max_len=TOKEN_MAX)
    f.check()
    assert token is not None  # required: f.check() raised otherwise
    return token


async def email_action(request: web.Request) -> web.Response:
    """What the link would do (the page shows it with a button); changes nothing."""
    token = _token(Fields(request.query))
    return json_response(await _call(request, "SELECT api.email_action(%s) AS v", (token,)))


async def use_email_action(request: web.Request) -> web.Response:
    """Confirm or decline, as the link says, once."""
    f = Fields(await read_json(request))
    reason = f.text("reason", max_len=500)
    token = _token(f)
    return json_response(await _call(request, "SELECT api.use_email_action(%s, %s) AS v", (token, reason)))
