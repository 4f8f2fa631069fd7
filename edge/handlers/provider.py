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

from edge import db
from edge.auth import require_user
from edge.handlers import admin
from edge.http import Fields, json_response, page_params, read_json

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
    return await admin.rules_of(request, (await require_user(request)).id)


async def put_rules(request: web.Request) -> web.Response:
    return await admin.replace_rules(request, (await require_user(request)).id)


async def list_closures(request: web.Request) -> web.Response:
    return await admin.closures_of(request, (await require_user(request)).id)


async def create_closure(request: web.Request) -> web.Response:
    return await admin.add_closure(request, (await require_user(request)).id)


async def delete_closure(request: web.Request) -> web.Response:
    return await admin.remove_closure(request, (await require_user(request)).id)


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
