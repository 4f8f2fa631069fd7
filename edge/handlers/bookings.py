"""Bookings and holds: POST /holds, POST /bookings, GET/PATCH/DELETE /bookings/{id},
POST /bookings/{id}/confirm and /decline.

Who may act is decided by the SQL functions (admin, the booking's user, the
resource's owner; RB404 for anyone else). A guest acts with the booking's manage
token (X-Manage-Token), which the edge checks here before calling with a NULL actor.
"""

from __future__ import annotations

import hmac
import uuid
from typing import Any

from aiohttp import web
from psycopg.types.json import Jsonb

from booker.manage import manage_token, manage_token_ok
from edge import db, limits
from edge.auth import client_address, credential_header, current_user, require_user, sha256
from edge.errors import invalid, not_found
from edge.http import Fields, json_response, path_uuid, read_json

MANAGE_TOKEN_HEADER = "X-Manage-Token"


def _location(booking: dict[str, Any]) -> dict[str, str]:
    return {"Location": f"/api/v1/bookings/{booking['id']}"}


async def resource_id(request: web.Request, ref: str | None, field: str = "resource") -> uuid.UUID | None:
    """A resource named by slug or id in a request body; 422 when there is none such."""
    if ref is None:
        return None
    row = await db.query_one(request, "SELECT api.resource_id(%s) AS id", (ref,))
    if row is None or row["id"] is None:
        raise invalid({field: "no such resource"})
    return row["id"]  # type: ignore[no-any-return]


def _attendee(f: Fields, raw: dict[str, Any] | None, guest: bool) -> dict[str, str]:
    out: dict[str, str] = {}
    sub = Fields(raw or {}, prefix="attendee.")
    name = sub.text("name", required=guest, max_len=200)
    email = sub.text("email", required=guest, max_len=254)
    phone = sub.text("phone", max_len=50)
    timezone = sub.text("timezone", max_len=64)  # the booker's zone: api.book_slot checks the name
    f.errors.update(sub.errors)
    for key, value in (("name", name), ("email", email), ("phone", phone), ("timezone", timezone)):
        if value:
            out[key] = value
    return out


def _idempotency_key(request: web.Request) -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    key = key.strip()
    if not 1 <= len(key) <= 200:
        raise invalid({"Idempotency-Key": "must be 1 to 200 characters"})
    if not (key.isascii() and key.isprintable()):
        raise invalid({"Idempotency-Key": "must be printable ASCII"})
    return key


async def create_booking(request: web.Request) -> web.Response:
    principal = await current_user(request)
    f = Fields(await read_json(request))
    service = f.text("service", required=True, max_len=200)
    hold = f.ident("hold")
    starts_at = f.instant("starts_at", required=hold is None)
    resource = f.text("resource", max_len=200)
    seats = f.integer("seats", default=1, lo=1, hi=2**31 - 1)  # the service's limit: the database's rule
    notes = f.text("notes", max_len=2000)
    metadata = f.object("metadata")
    attendee: dict[str, Any] = _attendee(f, f.object("attendee"), guest=principal is None)
    if (answers := f.object("answers")) is not None:  # the service's questions: internal.booking_answers
        attendee["answers"] = answers
    f.check()
    key = _idempotency_key(request)
    if principal is None:
        await limits.rate_limit(request, "limit_guest_bookings", "guest-bookings")
    row = await db.query_one(
        request,
        """SELECT api.booking_json(b) AS booking
             FROM api.book_slot(p_service => %(service)s, p_starts_at => %(starts_at)s,
                                p_attendee => %(attendee)s, p_user => %(user)s, p_resource => %(resource)s,
                                p_seats => %(seats)s, p_metadata => %(metadata)s,
                                p_idempotency_key => %(key)s, p_hold => %(hold)s, p_notes => %(notes)s) b""",
        {"service": service, "starts_at": starts_at, "attendee": Jsonb(attendee),
         "user": principal.id if principal else None,
         "resource": await resource_id(request, resource), "seats": seats,
         "metadata": Jsonb(metadata or {}), "key": key, "hold": hold, "notes": notes},
    )
    assert row
    booking = row["booking"]
    if principal is None:  # derived from the id, so a replay answers with the same token
        booking["manage_token"] = manage_token(request.app[db.SETTINGS].secret, booking["id"])
    return json_response(booking, status=201, headers=_location(booking))


async def create_hold(request: web.Request) -> web.Response:
    principal = await current_user(request)
    f = Fields(await read_json(request))
    service = f.text("service", required=True, max_len=200)
    starts_at = f.instant("starts_at", required=True)
    resource = f.text("resource", max_len=200)
    seats = f.integer("seats", default=1, lo=1, hi=2**31 - 1)  # the service's limit: the database's rule
    minutes = f.integer("minutes", default=10, lo=1, hi=60)
    f.check()
    await limits.rate_limit(request, "limit_holds", "holds")
    row = await db.query_one(
        request,
        """SELECT api.booking_json(b, false) AS booking
             FROM api.hold_slot_for_client(
                 p_address => %s, p_max_open => %s, p_service => %s, p_starts_at => %s, p_seats => %s,
                 p_resource => %s, p_user => %s, p_minutes => %s) b""",
        (client_address(request), request.app[db.SETTINGS].open_holds_cap, service, starts_at, seats,
         await resource_id(request, resource), principal.id if principal else None, minutes),
    )
    assert row
    hold = row["booking"]
    hold["expires_at"] = hold.get("hold_expires_at")
    return json_response(hold, status=201)


async def _actor(request: web.Request, booking_id: uuid.UUID) -> str | None:
    """Who acts on this booking: a user's id, or None for a guest holding its manage token.
    Anyone else gets the same 404 as for a booking that does not exist."""
    token = credential_header(request, MANAGE_TOKEN_HEADER)
    if token:
        row = await db.query_one(request, "SELECT * FROM api.guest_credential(%s)", (booking_id,))
        secret = request.app[db.SETTINGS].secret
        # A guest's booking: the token derived from its id, or (bookings made before that) the one
        # whose SHA-256 was stored.
        stored = row["manage_token_hash"] if row else None
        ok = row is not None and (
            (row["guest"] and manage_token_ok(secret, booking_id, token))
            or (stored is not None and hmac.compare_digest(stored, sha256(token))))
        if not ok:
            raise not_found("booking")
        return None
    principal = await current_user(request)
    if principal is None:
        raise not_found("booking")
    return principal.id


async def get_booking(request: web.Request) -> web.Response:
    booking_id = path_uuid(request, what="booking")
    actor = await _actor(request, booking_id)
    row = await db.query_one(request, "SELECT api.booking_json(b) AS booking FROM api.get_booking(%s, %s) b",
                             (booking_id, actor))
    assert row
    return json_response(row["booking"])


async def update_booking(request: web.Request) -> web.Response:
    """Reschedule (starts_at and/or resource) and/or change notes, in one transaction."""
    booking_id = path_uuid(request, what="booking")
    f = Fields(await read_json(request))
    starts_at = f.instant("starts_at")
    resource = f.text("resource", max_len=200)
    notes = f.text("notes", max_len=2000)  # as when booking: a string, no NUL, at most 2,000 characters
    if starts_at is None and resource is None and "notes" not in f.data:
        f.errors["body"] = "give starts_at, resource or notes"
    f.check()
    actor = await _actor(request, booking_id)
    new_resource = await resource_id(request, resource)
    async with db.transaction(request) as cur:
        if starts_at is not None or new_resource is not None:
            await cur.execute(
                """SELECT 1 FROM api.reschedule_booking(
                       %(id)s,
                       coalesce(%(start)s, (SELECT starts_at FROM api.get_booking(%(id)s, %(actor)s))),
                       %(actor)s, %(resource)s)""",
                {"id": booking_id, "start": starts_at, "actor": actor, "resource": new_resource})
        if "notes" in f.data:
            await cur.execute("SELECT 1 FROM api.set_booking_notes(%s, %s, %s)",
                              (booking_id, actor, notes or ""))
        await cur.execute("SELECT api.booking_json(b) AS booking FROM api.get_booking(%s, %s) b",
                          (booking_id, actor))
        row = await cur.fetchone()
    assert row
    return json_response(row["booking"])


async def cancel_booking(request: web.Request) -> web.Response:
    booking_id = path_uuid(request, what="booking")
    q = Fields(request.query)
    force = q.boolean("force", default=False)
    reason = q.text("reason", max_len=500)
    q.check()
    if request.can_read_body:
        body = Fields(await read_json(request))
        reason = body.text("reason", max_len=500) or reason
        body.check()
    actor = await _actor(request, booking_id)
    row = await db.query_one(
        request, "SELECT api.booking_json(b) AS booking FROM api.cancel_booking(%s, %s, %s, %s) b",
        (booking_id, actor, reason, force))
    assert row
    return json_response(row["booking"])


async def confirm_booking(request: web.Request) -> web.Response:
    principal = await require_user(request)
    booking_id = path_uuid(request, what="booking")
    row = await db.query_one(
        request, "SELECT api.booking_json(b) AS booking FROM api.confirm_booking(%s, %s) b",
        (booking_id, principal.id))
    assert row
    return json_response(row["booking"])


async def decline_booking(request: web.Request) -> web.Response:
    principal = await require_user(request)
    booking_id = path_uuid(request, what="booking")
    reason = None
    if request.can_read_body:
        f = Fields(await read_json(request))
        reason = f.text("reason", max_len=500)
        f.check()
    row = await db.query_one(
        request, "SELECT api.booking_json(b) AS booking FROM api.decline_booking(%s, %s, %s) b",
        (booking_id, principal.id, reason))
    assert row
    return json_response(row["booking"])



async def move_booking(request: web.Request) -> web.Response:
    """Move a booking to another start and/or resource (api.move_booking: admins and the
    provider who owns its resource; no cancellation cutoff; a 409 changes nothing)."""
    principal = await require_user(request)
    booking_id = path_uuid(request, what="booking")
    f = Fields(await read_json(request))
    starts_at = f.instant("starts_at", required=True)
    resource = f.text("resource", max_len=200)
    f.check()
    row = await db.query_one(
        request, "SELECT api.booking_json(b) AS booking FROM api.move_booking(%s, %s, %s, %s) b",
        (booking_id, principal.id, starts_at, await resource_id(request, resource)))
    assert row
    return json_response(row["booking"])
