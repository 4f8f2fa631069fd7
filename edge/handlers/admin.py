"""Admin endpoints: resources (with weekly rules and closures), services (and the
resources that deliver them), the bookings overview with CSV export, the outbox and
the audit trail. Every handler starts with require_admin, parses the request's shape,
calls one api.* function (which checks the actor again and owns every rule) and shapes
the answer."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

from aiohttp import web
from psycopg.types.json import Jsonb

from edge import db
from edge.auth import require_admin
from edge.errors import Problem, invalid, not_found
from edge.http import Fields, json_response, page_params, path_uuid, read_json

TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")
INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # a PostgreSQL integer; the ranges that matter are CHECK constraints


async def _call(request: web.Request, query: Any, params: Any) -> Any:
    """The single value one api.* call returns."""
    row = await db.query_one(request, query, params)
    assert row
    return row["v"]


# -- resources ------------------------------------------------------------------------------------

def _resource_fields(f: Fields, creating: bool) -> dict[str, Any]:
    values: dict[str, Any] = {}
    values["slug"] = f.text("slug", required=creating, max_len=63)
    values["name"] = f.text("name", required=creating, max_len=200)
    values["kind"] = f.text("kind", max_len=50)
    values["capacity"] = f.integer("capacity", lo=INT_MIN, hi=INT_MAX)  # its range is the database's rule
    values["timezone"] = f.text("timezone", required=creating, max_len=64)
    values["email"] = f.text("email", max_len=254)
    values["location"] = f.text("location", max_len=500)
    values["description"] = f.text("description", max_len=5000)
    values["active"] = f.boolean("active")
    if "owner" in f.data:
        if f.data["owner"] is not None and not isinstance(f.data["owner"], str):
            f.errors["owner"] = "must be the email of a user, or null"
        values["owner"] = f.data["owner"]
    return {k: v for k, v in values.items() if v is not None or k in f.data}


async def _resource_values(request: web.Request, *, creating: bool) -> dict[str, Any]:
    f = Fields(await read_json(request))
    values = _resource_fields(f, creating)
    f.check()
    return values


async def list_resources(request: web.Request) -> web.Response:
    principal = await require_admin(request)
    page, limit = page_params(request, max_limit=200, default_limit=200)
    return json_response(await _call(request, "SELECT api.admin_resources(%s, %s, %s) AS v",
                                     (principal.id, page, limit)))


async def resource_kinds(request: web.Request) -> web.Response:
    """The kinds a resource may be: the database's list, for the admin's form."""
    await require_admin(request)
    return json_response({"data": await _call(request, "SELECT api.resource_kinds() AS v", ())})


async def get_resource(request: web.Request) -> web.Response:
    principal = await require_admin(request)
    return json_response(await _call(request, "SELECT api.admin_resource(%s, %s) AS v",
                                     (principal.id, path_uuid(request, what="resource"))))


async def create_resource(request: web.Request) -> web.Response:
    principal = await require_admin(request)
    values = await _resource_values(request, creating=True)
    resource = await _call(request, "SELECT api.create_resource(%s, %s) AS v", (principal.id, Jsonb(values)))
    return json_response(resource, status=201,
                         headers={"Location": f"/api/v1/admin/resources/{resource['id']}"})


async def update_resource(request: web.Request) -> web.Response:
    principal = await require_admin(request)
    resource_id = path_uuid(request, what="resource")
    values = await _resource_values(request, creating=False)
    return json_response(await _call(request, "SELECT api.update_resource(%s, %s, %s) AS v",
                                     (principal.id, resource_id, Jsonb(values))))


async def delete_resource(request: web.Request) -> web.Response:
    """Deactivate: bookings keep pointing at it, no new slots are offered."""
    principal = await require_admin(request)
    return json_response(await _call(request, "SELECT api.set_resource_active(%s, %s, false) AS v",
                                     (principal.id, path_uuid(request, what="resource"))))


def parse_rules(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The shape of each rule (overlaps, weekdays and the grid are the database's rules)."""
    rules = body.get("rules")
    if not isinstance(rules, list):
        raise invalid({"rules": "must be a list of {weekday, start, end}"})
    out: list[dict[str, Any]] = []
    errors: dict[str, str] = {}
    for i, rule in enumerate(rules):
        f = Fields(rule if isinstance(rule, dict) else {}, prefix=f"rules[{i}].")
        if not isinstance(rule, dict):
            f.errors[f"rules[{i}]"] = "must be an object"
        weekday = f.integer("weekday", required=True, lo=INT_MIN, hi=INT_MAX)
        start = f.text("start", required=True, max_len=5)
        end = f.text("end", required=True, max_len=5)
        for name, value in (("start", start), ("end", end)):
            if value is not None and not TIME.match(value):
                f.errors[f"rules[{i}].{name}"] = "must be HH:MM"
        valid_from = f.day("valid_from")
        valid_until = f.day("valid_until")
        errors.update(f.errors)
        out.append({"weekday": weekday, "start": start, "end": end,
                    "valid_from": valid_from and valid_from.isoformat(),
                    "valid_until": valid_until and valid_until.isoformat()})
    if errors:
        raise invalid(errors)
    return out


# A resource's weekly hours and closures. Who may (the resource's owner or an admin) is the
# database's rule (internal.own_resource); these routes ask for an admin, and the provider's
# (edge/handlers/provider.py) for any signed-in user, then share what follows.

async def rules_of(request: web.Request, actor: Any) -> web.Response:
    return json_response(await _call(request, "SELECT api.availability_rules(%s, %s) AS v",
                                     (actor, path_uuid(request, what="resource"))))


async def replace_rules(request: web.Request, actor: Any) -> web.Response:
    """Replace the weekly opening hours of a resource in one transaction."""
    resource_id = path_uuid(request, what="resource")
    rules = parse_rules(await read_json(request))
    return json_response(await _call(request, "SELECT api.replace_availability_rules(%s, %s, %s) AS v",
                                     (actor, resource_id, Jsonb(rules))))


async def closures_of(request: web.Request, actor: Any) -> web.Response:
    return json_response({"data": await _call(request, "SELECT api.resource_closures(%s, %s) AS v",
                                              (actor, path_uuid(request, what="resource")))})


async def add_closure(request: web.Request, actor: Any) -> web.Response:
    resource_id = path_uuid(request, what="resource")
    f = Fields(await read_json(request))
    start = f.instant("starts_at", required=True)
    end = f.instant("ends_at", required=True)
    reason = f.text("reason", max_len=500) or ""
    f.check()
    return json_response(await _call(request, "SELECT api.create_closure(%s, %s, %s, %s, %s) AS v",
                                     (actor, resource_id, start, end, reason)), status=201)


async def remove_closure(request: web.Request, actor: Any) -> web.Response:
    resource_id = path_uuid(request, what="resource")
    closure_id = path_uuid(request, "closure", what="closure")
    await db.query(request, "SELECT api.delete_closure(%s, %s, %s)", (actor, resource_id, closure_id))
    return web.Response(status=204)


async def put_rules(request: web.Request) -> web.Response:
    return await replace_rules(request, (await require_admin(request)).id)


async def get_rules(request: web.Request) -> web.Response:
    return await rules_of(request, (await require_admin(request)).id)


async def list_closures(request: web.Request) -> web.Response:
    return await closures_of(request, (await require_admin(request)).id)


async def create_closure(request: web.Request) -> web.Response:
    return await add_closure(request, (await require_admin(request)).id)


async def delete_closure(request: web.Request) -> web.Response:
    return await remove_closure(request, (await require_admin(request)).id)


# -- services -------------------------------------------------------------------------------------

def _service_fields(f: Fields, creating: bool) -> dict[str, Any]:
    v: dict[str, Any] = {}
    v["slug"] = f.text("slug", required=creating, max_len=63)
    v["name"] = f.text("name", required=creating, max_len=200)
    v["description"] = f.text("description", max_len=5000)
    for name in ("duration_minutes", "slot_step_minutes", "buffer_before_minutes", "buffer_after_minutes",
                 "cancellation_cutoff_minutes", "min_notice_minutes"):
        # the grid (multiples of 15, positive durations) is the database's rule; this only bounds the type
        v[name] = f.integer(name, required=creating and name == "duration_minutes", lo=INT_MIN, hi=INT_MAX)
    v["max_advance_days"] = f.integer("max_advance_days", lo=INT_MIN, hi=INT_MAX)
    v["max_seats_per_booking"] = f.integer("max_seats_per_booking", lo=INT_MIN, hi=INT_MAX)
    # at most N active bookings per attendee (null: no limit); the range is the database's rule
    v["max_active_per_attendee"] = f.integer("max_active_per_attendee", lo=INT_MIN, hi=INT_MAX)
    v["requires_confirmation"] = f.boolean("requires_confirmation")
    v["visibility"] = f.text("visibility", max_len=50)
    v["venue"] = f.text("venue", max_len=500)
    v["active"] = f.boolean("active")
    price = f.data.get("price")
    if price is not None:
        try:
            if isinstance(price, bool) or float(price) < 0 or float(price) >= 1e8:
                raise ValueError
            v["price"] = f"{float(price):.2f}"
        except (TypeError, ValueError):
            f.errors["price"] = "must be a non-negative amount, e.g. 49.00"
    currency = f.text("currency", max_len=3)
    if currency is not None and not re.fullmatch(r"[A-Z]{3}", currency):
        f.errors["currency"] = "must be a three-letter ISO code, e.g. EUR"
    v["currency"] = currency
    if "starts_at" in f.data:
        start = f.instant("starts_at")
        v["starts_at"] = start and start.isoformat()
    if "resources" in f.data:
        v["resources"] = f.data["resources"]  # a list of slugs: the database names what is wrong with it
    for name in ("questions", "reminder_offsets", "requires_verified_email"):  # issue 14: the DB checks them
        if name in f.data:
            v[name] = f.data[name]
    return {k: val for k, val in v.items() if val is not None or k in f.data}


def _with_link(request: web.Request, service: dict[str, Any]) -> dict[str, Any]:
    return {**service, "link": f"{request.app[db.SETTINGS].public_url}/book/{service['slug']}"}


async def _service_call(request: web.Request, query: Any, params: Any) -> dict[str, Any]:
    return _with_link(request, await _call(request, query, params))


async def list_services(request: web.Request) -> web.Response:
    principal = await require_admin(request)
    page, limit = page_params(request, max_limit=200, default_limit=200)
    services = await _call(request, "SELECT api.admin_services(%s, %s, %s) AS v", (principal.id, page, limit))
    return json_response({**services, "data": [_with_link(request, s) for s in services["data"]]})


async def get_service(request: web.Request) -> web.Response:
    principal = await require_admin(request)
    return json_response(await _service_call(request, "SELECT api.admin_service(%s, %s) AS v",
                                             (principal.id, path_uuid(request, what="service"))))


async def _service_values(request: web.Request, *, creating: bool) -> dict[str, Any]:
    f = Fields(await read_json(request))
    values = _service_fields(f, creating)
    f.check()
    return values


async def create_service(request: web.Request) -> web.Response:
    """Create a service and link its resources; the answer carries the public booking link."""
    principal = await require_admin(request)
    values = await _service_values(request, creating=True)
    service = await _service_call(request, "SELECT api.create_service(%s, %s) AS v",
                                  (principal.id, Jsonb(values)))
    return json_response(service, status=201, headers={"Location": f"/api/v1/admin/services/{service['id']}"})


async def update_service(request: web.Request) -> web.Response:
    principal = await require_admin(request)
    service_id = path_uuid(request, what="service")
    values = await _service_values(request, creating=False)
    return json_response(await _service_call(request, "SELECT api.update_service(%s, %s, %s) AS v",
                                             (principal.id, service_id, Jsonb(values))))


async def delete_service(request: web.Request) -> web.Response:
    """Deactivate: existing bookings stay; the public link stops offering slots."""
    principal = await require_admin(request)
    return json_response(await _service_call(request, "SELECT api.set_service_active(%s, %s, false) AS v",
                                             (principal.id, path_uuid(request, what="service"))))


# -- bookings overview ----------------------------------------------------------------------------

CSV_COLUMNS = ("reference", "status", "service", "resource", "starts_at", "ends_at", "seats", "price",
               "currency", "attendee_name", "attendee_email", "attendee_phone", "notes", "created_at", "id",
               "answers")


async def list_bookings(request: web.Request) -> web.Response:
    principal = await require_admin(request)
    wants_csv = "text/csv" in request.headers.get("Accept", "") or request.query.get("format") == "csv"
    page, limit = page_params(request, max_limit=200, default_limit=50)
    f = Fields(request.query)
    around = f.instant("around")  # earliest first, pages cut at this instant (issue 13)
    params: dict[str, Any] = {
        "actor": principal.id,
        "service": f.text("service", max_len=200),
        "resource": f.text("resource", max_len=200),
        "status": f.text("status", max_len=50),
        "from": f.instant("from"),
        "to": f.instant("to"),
        "q": f.text("q", max_len=200),
    }
    f.check()
    filters = ("p_service => %(service)s, p_resource => %(resource)s, p_status => %(status)s, "
               "p_from => %(from)s, p_to => %(to)s, p_q => %(q)s")
    if wants_csv:
        rows = await db.query(request, "SELECT * FROM api.admin_bookings_export(%(actor)s, " + filters + ")",
                              params)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for row in rows:
            writer.writerow([_csv_cell(row[c]) for c in CSV_COLUMNS])
        return web.Response(text=out.getvalue(), content_type="text/csv", charset="utf-8",
                            headers={"Content-Disposition": 'attachment; filename="bookings.csv"'})
    query = ("SELECT api.admin_bookings(%(actor)s, " + filters
             + ", p_page => %(page)s, p_limit => %(limit)s, p_around => %(around)s) AS v")
    if around is not None and "page" not in request.query:
        page_or_none: int | None = None  # the page that starts at `around`
    else:
        page_or_none = page
    return json_response(await _call(request, query, {**params, "page": page_or_none, "limit": limit,
                                                      "around": around}))


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    text = str(value)
    if text[:1] in ("=", "+", "-", "@"):  # spreadsheet formula injection
        return "'" + text
    return text


# -- outbox and audit -----------------------------------------------------------------------------

async def list_notifications(request: web.Request) -> web.Response:
    principal = await require_admin(request)
    page, limit = page_params(request, max_limit=200, default_limit=50)
    f = Fields(request.query)
    status = f.text("status", max_len=50)
    f.check()
    return json_response(await _call(request, "SELECT api.admin_notifications(%s, %s, %s, %s) AS v",
                                     (principal.id, status, page, limit)))


async def retry_notification(request: web.Request) -> web.Response:
    principal = await require_admin(request)
    try:
        notification_id = int(request.match_info["id"])
    except ValueError:
        raise not_found("notification") from None
    if not 0 < notification_id < 2**63:
        raise not_found("notification")
    row = await db.query_one(
        request,
        "SELECT id, booking_id, kind, recipient, status::text AS status, attempts, max_attempts, "
        "next_attempt_at, last_error, message_id, created_at, sent_at FROM api.retry_notification(%s, %s)",
        (notification_id, principal.id))
    assert row
    if row["status"] not in ("pending", "sending"):
        raise Problem(409, f"notification is {row['status']}, only failed ones can be retried",
                      alternatives=[])
    return json_response(row)


async def audit(request: web.Request) -> web.Response:
    principal = await require_admin(request)
    page, limit = page_params(request, max_limit=200, default_limit=50)
    f = Fields(request.query)
    booking = f.ident("booking")
    f.check()
    return json_response(await _call(request, "SELECT api.admin_audit(%s, %s, %s, %s) AS v",
                                     (principal.id, booking, page, limit)))
