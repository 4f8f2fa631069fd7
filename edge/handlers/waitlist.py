"""The waitlist: POST /waitlist (join a full slot), GET/DELETE /waitlist/{id},
GET /waitlist/offers/{id}, POST /waitlist/offers/{id}/accept and /decline, GET /me/waitlist,
and the admin's GET /admin/waitlist, POST /admin/waitlist/{id}/move, DELETE /admin/waitlist/{id},
PUT /admin/services/{id}/waitlist.

Who may act is decided by the SQL functions (the entry's member or an admin; RB404 for
anyone else). A guest acts with the token from the join answer (entries) or from the offer
email's link (offers), sent as X-Waitlist-Token and checked here before calling with a NULL actor.
"""

from __future__ import annotations

import uuid
from typing import Any

from aiohttp import web
from psycopg.types.json import Jsonb

from booker.manage import manage_token
from booker.waitlist import ENTRY, OFFER, waitlist_token, waitlist_token_ok
from edge import db, limits
from edge.auth import credential_header, current_user, require_admin, require_user
from edge.errors import not_found
from edge.handlers.bookings import _attendee
from edge.http import Fields, json_response, path_uuid, read_json

TOKEN_HEADER = "X-Waitlist-Token"


async def _actor(request: web.Request, kind: str, ident: uuid.UUID, what: str) -> str | None:
    """A user's id, or None for a guest holding the right token; anyone else: 404."""
    token = credential_header(request, TOKEN_HEADER)
    if token:
        if not waitlist_token_ok(request.app[db.SETTINGS].secret, kind, ident, token):
            raise not_found(what)
        return None
    principal = await current_user(request)
    if principal is None:
        raise not_found(what)
    return principal.id


async def join(request: web.Request) -> web.Response:
    principal = await current_user(request)
    f = Fields(await read_json(request))
    service = f.text("service", required=True, max_len=200)
    starts_at = f.instant("starts_at", required=True)
    seats = f.integer("seats", default=1, lo=1, hi=2**31 - 1)  # the service's limit: the database's rule
    attendee = _attendee(f, f.object("attendee"), guest=principal is None)
    attendee.pop("phone", None)
    f.check()
    if principal is None:
        await limits.rate_limit(request, "limit_guest_bookings", "guest-bookings")
    row = await db.query_one(
        request, "SELECT api.join_waitlist(%s, %s, %s, %s, %s) AS entry",
        (service, starts_at, Jsonb(attendee), principal.id if principal else None, seats))
    assert row
    entry: dict[str, Any] = row["entry"]
    if principal is None:  # derived from the id: joining again answers with the same token
        entry["token"] = waitlist_token(request.app[db.SETTINGS].secret, ENTRY, entry["id"])
    return json_response(entry, status=201, headers={"Location": f"/api/v1/waitlist/{entry['id']}"})


async def get_entry(request: web.Request) -> web.Response:
    entry_id = path_uuid(request, what="waitlist entry")
    actor = await _actor(request, ENTRY, entry_id, "waitlist entry")
    row = await db.query_one(request, "SELECT api.waitlist_entry(%s, %s) AS v", (entry_id, actor))
    assert row
    return json_response(row["v"])


async def leave(request: web.Request) -> web.Response:
    entry_id = path_uuid(request, what="waitlist entry")
    actor = await _actor(request, ENTRY, entry_id, "waitlist entry")
    row = await db.query_one(request, "SELECT api.leave_waitlist(%s, %s) AS v", (entry_id, actor))
    assert row
    return json_response(row["v"])


async def get_offer(request: web.Request) -> web.Response:
    offer_id = path_uuid(request, what="waitlist offer")
    actor = await _actor(request, OFFER, offer_id, "waitlist offer")
    row = await db.query_one(request, "SELECT api.waitlist_offer(%s, %s) AS v", (offer_id, actor))
    assert row
    return json_response(row["v"])


async def accept_offer(request: web.Request) -> web.Response:
    offer_id = path_uuid(request, what="waitlist offer")
    actor = await _actor(request, OFFER, offer_id, "waitlist offer")
    row = await db.query_one(
        request, "SELECT api.booking_json(b) AS booking FROM api.accept_waitlist_offer(%s, %s) b",
        (offer_id, actor))
    assert row
    booking: dict[str, Any] = row["booking"]
    if booking.get("user_id") is None and actor is None:  # a guest's booking: its manage link
        booking["manage_token"] = manage_token(request.app[db.SETTINGS].secret, booking["id"])
    return json_response(booking, headers={"Location": f"/api/v1/bookings/{booking['id']}"})


async def decline_offer(request: web.Request) -> web.Response:
    offer_id = path_uuid(request, what="waitlist offer")
    actor = await _actor(request, OFFER, offer_id, "waitlist offer")
    row = await db.query_one(request, "SELECT api.decline_waitlist_offer(%s, %s) AS v", (offer_id, actor))
    assert row
    return json_response(row["v"])


async def my_waitlist(request: web.Request) -> web.Response:
    principal = await require_user(request)
    row = await db.query_one(request, "SELECT api.my_waitlist(%s) AS v", (principal.id,))
    assert row
    return json_response({"data": row["v"]})


async def admin_list(request: web.Request) -> web.Response:
    principal = await require_admin(request)
    q = Fields(request.query)
    service = q.text("service", max_len=200)
    status = q.text("status", max_len=200)
    q.check()
    statuses = [s.strip() for s in status.split(",") if s.strip()] if status else None
    row = await db.query_one(request, "SELECT api.admin_waitlist(%s, %s, %s) AS v",
                             (principal.id, service, statuses))
    assert row
    return json_response(row["v"])


async def admin_move(request: web.Request) -> web.Response:
    principal = await require_admin(request)
    entry_id = path_uuid(request, what="waitlist entry")
    f = Fields(await read_json(request))
    place = f.integer("place", required=True, lo=1, hi=2**31 - 1)
    f.check()
    row = await db.query_one(request, "SELECT api.move_waitlist_entry(%s, %s, %s) AS v",
                             (principal.id, entry_id, place))
    assert row
    return json_response(row["v"])


async def admin_remove(request: web.Request) -> web.Response:
    principal = await require_admin(request)
    entry_id = path_uuid(request, what="waitlist entry")
    row = await db.query_one(request, "SELECT api.leave_waitlist(%s, %s) AS v", (entry_id, principal.id))
    assert row
    return json_response(row["v"])


async def admin_offer_minutes(request: web.Request) -> web.Response:
    principal = await require_admin(request)
    service_id = path_uuid(request, what="service")
    f = Fields(await read_json(request))
    minutes = f.integer("waitlist_offer_minutes", required=True, lo=-(2**31), hi=2**31 - 1)
    f.check()
    row = await db.query_one(request, "SELECT api.set_waitlist_offer_minutes(%s, %s, %s) AS v",
                             (principal.id, service_id, minutes))
    assert row
    return json_response({"waitlist_offer_minutes": row["v"]})
