"""Admin endpoints: resources (with weekly rules and closures), services (and the
resources that deliver them), the bookings overview with CSV export, the outbox and
the audit trail. Every handler starts with require_admin."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

from aiohttp import web
from psycopg import sql

from edge import db
from edge.auth import require_admin
from edge.errors import Problem, invalid, not_found
from edge.http import Fields, json_response, page_params, paginated, path_uuid, read_json

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
KINDS = ("room", "person", "team", "venue", "equipment")
VISIBILITIES = ("public", "members", "unlisted")
STATUSES = ("held", "pending", "confirmed", "cancelled", "expired", "declined")
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")
INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # a PostgreSQL integer; the ranges that matter are CHECK constraints

RESOURCE_JSON = """jsonb_build_object(
    'id', r.id, 'slug', r.slug, 'name', r.name, 'kind', r.kind, 'capacity', r.capacity,
    'timezone', r.timezone, 'owner', (SELECT u.email FROM booking.users u WHERE u.id = r.owner_id),
    'email', r.email, 'location', r.location, 'description', r.description, 'active', r.active,
    'created_at', r.created_at, 'updated_at', r.updated_at,
    'rules', coalesce((SELECT jsonb_agg(jsonb_build_object(
                 'id', ar.id, 'weekday', ar.weekday, 'start', to_char(ar.start_time, 'HH24:MI'),
                 'end', CASE WHEN ar.end_time = '24:00' THEN '24:00' ELSE to_char(ar.end_time, 'HH24:MI') END,
                 'valid_from', ar.valid_from, 'valid_until', ar.valid_until)
                 ORDER BY ar.weekday, ar.start_time)
               FROM booking.availability_rules ar WHERE ar.resource_id = r.id), '[]'))"""

SERVICE_JSON = """jsonb_build_object(
    'id', s.id, 'slug', s.slug, 'name', s.name, 'description', s.description,
    'duration_minutes', s.duration_minutes, 'slot_step_minutes', s.slot_step_minutes,
    'buffer_before_minutes', s.buffer_before_minutes, 'buffer_after_minutes', s.buffer_after_minutes,
    'min_notice_minutes', s.min_notice_minutes, 'max_advance_days', s.max_advance_days,
    'cancellation_cutoff_minutes', s.cancellation_cutoff_minutes, 'price', s.price::text,
    'currency', s.currency, 'max_seats_per_booking', s.max_seats_per_booking,
    'requires_confirmation', s.requires_confirmation, 'visibility', s.visibility,
    'starts_at', lower(s.fixed_window), 'ends_at', upper(s.fixed_window), 'venue', s.venue,
    'active', s.active, 'created_at', s.created_at, 'updated_at', s.updated_at,
    'resources', coalesce((SELECT jsonb_agg(r.slug ORDER BY r.slug) FROM booking.service_resources sr
                           JOIN booking.resources r ON r.id = sr.resource_id
                           WHERE sr.service_id = s.id), '[]'))"""


# -- resources ------------------------------------------------------------------------------------

def _resource_fields(f: Fields, creating: bool) -> dict[str, Any]:
    values: dict[str, Any] = {}
    slug = f.text("slug", required=creating, max_len=63)
    if slug is not None and not SLUG.match(slug):
        f.errors["slug"] = "use lower-case letters, digits and dashes"
    values["slug"] = slug
    values["name"] = f.text("name", required=creating, max_len=200)
    values["kind"] = f.choice("kind", KINDS)
    values["capacity"] = f.integer("capacity", lo=INT_MIN, hi=INT_MAX)  # its range is the database's rule
    values["timezone"] = f.text("timezone", required=creating, max_len=64)
    values["email"] = f.text("email", max_len=254)
    values["location"] = f.text("location", max_len=500)
    values["description"] = f.text("description", max_len=5000)
    values["active"] = f.boolean("active")
    return {k: v for k, v in values.items() if v is not None or k in f.data}


async def _resource_values(request: web.Request, *, creating: bool) -> dict[str, Any]:
    """The columns a create or update of a resource writes, the owner's email resolved to owner_id."""
    f = Fields(await read_json(request))
    values = _resource_fields(f, creating)
    f.check()
    has_owner, owner = await _owner_id(request, f)
    if has_owner:
        values["owner_id"] = owner
    return values


async def _deactivate(request: web.Request, table: str, what: str) -> Any:
    """Set active = false: bookings keep pointing at the row, no new slots are offered. Returns its id."""
    row_id = path_uuid(request, what=what)
    row = await db.query_one(request, sql.SQL("UPDATE booking.{} SET active = false, updated_at = now() "
                                              "WHERE id = %s RETURNING id").format(sql.Identifier(table)),
                             (row_id,))
    if row is None:
        raise not_found(what)
    return row_id


def _page_of(rows: list[dict[str, Any]], page: int, limit: int) -> dict[str, Any]:
    """Rows that carry count(*) OVER () AS total, as one page."""
    total = int(rows[0]["total"]) if rows else 0
    return paginated([{k: v for k, v in r.items() if k != "total"} for r in rows], total, page, limit)


async def _owner_id(request: web.Request, f: Fields) -> tuple[bool, Any]:
    if "owner" not in f.data:
        return False, None
    email = f.data["owner"]
    if email is None:
        return True, None
    if not isinstance(email, str):
        raise invalid({"owner": "must be the email of a user, or null"})
    row = await db.query_one(request, "SELECT id FROM booking.users WHERE lower(email) = lower(%s)", (email,))
    if row is None:
        raise invalid({"owner": "no user with this email"})
    return True, row["id"]


async def _resource(request: web.Request, resource_id: Any) -> dict[str, Any]:
    row = await db.query_one(
        request, sql.SQL("SELECT {} AS resource FROM booking.resources r WHERE r.id = %s").format(
            sql.SQL(RESOURCE_JSON)), (resource_id,))
    if row is None:
        raise not_found("resource")
    return row["resource"]  # type: ignore[no-any-return]


async def list_resources(request: web.Request) -> web.Response:
    await require_admin(request)
    rows = await db.query(request, sql.SQL("SELECT {} AS resource FROM booking.resources r ORDER BY r.slug")
                          .format(sql.SQL(RESOURCE_JSON)))
    return json_response({"data": [r["resource"] for r in rows]})


async def get_resource(request: web.Request) -> web.Response:
    await require_admin(request)
    return json_response(await _resource(request, path_uuid(request, what="resource")))


def _set_clause(values: dict[str, Any]) -> sql.Composable:
    pairs = (sql.SQL("{} = {}").format(sql.Identifier(k), sql.Placeholder(k)) for k in values)
    return sql.SQL(", ").join(pairs)


async def create_resource(request: web.Request) -> web.Response:
    await require_admin(request)
    values = await _resource_values(request, creating=True)
    query = sql.SQL("INSERT INTO booking.resources ({}) VALUES ({}) RETURNING id").format(
        sql.SQL(", ").join(map(sql.Identifier, values)), sql.SQL(", ").join(map(sql.Placeholder, values)))
    row = await db.query_one(request, query, values)
    assert row
    return json_response(await _resource(request, row["id"]), status=201,
                         headers={"Location": f"/api/v1/admin/resources/{row['id']}"})


async def update_resource(request: web.Request) -> web.Response:
    await require_admin(request)
    resource_id = path_uuid(request, what="resource")
    values = await _resource_values(request, creating=False)
    if values:
        query = sql.SQL("UPDATE booking.resources SET {}, updated_at = now() "
                        "WHERE id = {} RETURNING id").format(
            _set_clause(values), sql.Placeholder("_id"))
        if await db.query_one(request, query, {**values, "_id": resource_id}) is None:
            raise not_found("resource")
    return json_response(await _resource(request, resource_id))


async def delete_resource(request: web.Request) -> web.Response:
    """Deactivate: bookings keep pointing at it, no new slots are offered."""
    await require_admin(request)
    return json_response(await _resource(request, await _deactivate(request, "resources", "resource")))


def _rules(body: dict[str, Any]) -> list[dict[str, Any]]:
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
                    "valid_from": valid_from, "valid_until": valid_until})
    if not errors:
        errors = _overlaps(out)
    if errors:
        raise invalid(errors)
    return out


def _overlaps(rules: list[dict[str, Any]]) -> dict[str, str]:
    """Two rules of one weekday whose hours and validity periods both overlap are a mistake, not a union."""
    low, high = dt.date.min, dt.date.max
    for i, a in enumerate(rules):
        for b in rules[:i]:
            if (a["weekday"] == b["weekday"] and a["start"] < b["end"] and b["start"] < a["end"]
                    and (a["valid_from"] or low) <= (b["valid_until"] or high)
                    and (b["valid_from"] or low) <= (a["valid_until"] or high)):
                return {f"rules[{i}]": "overlaps another rule of the same weekday"}
    return {}


async def put_rules(request: web.Request) -> web.Response:
    """Replace the weekly opening hours of a resource in one transaction."""
    await require_admin(request)
    resource_id = path_uuid(request, what="resource")
    rules = _rules(await read_json(request))
    async with db.transaction(request) as cur:
        await cur.execute("SELECT id FROM booking.resources WHERE id = %s FOR UPDATE", (resource_id,))
        if await cur.fetchone() is None:
            raise not_found("resource")
        await cur.execute("DELETE FROM booking.availability_rules WHERE resource_id = %s", (resource_id,))
        for r in rules:
            await cur.execute(
                "INSERT INTO booking.availability_rules (resource_id, weekday, start_time, end_time, "
                "valid_from, valid_until) VALUES (%s, %s, %s, %s, %s, %s)",
                (resource_id, r["weekday"], r["start"], r["end"], r["valid_from"], r["valid_until"]))
    return json_response((await _resource(request, resource_id))["rules"])


async def get_rules(request: web.Request) -> web.Response:
    await require_admin(request)
    return json_response((await _resource(request, path_uuid(request, what="resource")))["rules"])


async def list_closures(request: web.Request) -> web.Response:
    await require_admin(request)
    resource_id = path_uuid(request, what="resource")
    await _resource(request, resource_id)
    rows = await db.query(
        request, "SELECT id, resource_id, lower(during) AS starts_at, upper(during) AS ends_at, reason, "
                 "created_at FROM booking.closures WHERE resource_id = %s ORDER BY lower(during)",
        (resource_id,))
    return json_response({"data": rows})


async def create_closure(request: web.Request) -> web.Response:
    await require_admin(request)
    resource_id = path_uuid(request, what="resource")
    f = Fields(await read_json(request))
    start = f.instant("starts_at", required=True)
    end = f.instant("ends_at", required=True)
    reason = f.text("reason", max_len=500) or ""
    if start and end and end <= start:
        f.errors["ends_at"] = "must be after starts_at"
    f.check()
    await _resource(request, resource_id)
    row = await db.query_one(
        request,
        "INSERT INTO booking.closures (resource_id, during, reason) VALUES (%s, tstzrange(%s, %s), %s) "
        "RETURNING id, resource_id, lower(during) AS starts_at, upper(during) AS ends_at, reason, created_at",
        (resource_id, start, end, reason))
    return json_response(row, status=201)


async def delete_closure(request: web.Request) -> web.Response:
    await require_admin(request)
    resource_id = path_uuid(request, what="resource")
    closure_id = path_uuid(request, "closure", what="closure")
    row = await db.query_one(request, "DELETE FROM booking.closures WHERE id = %s AND resource_id = %s "
                                      "RETURNING id", (closure_id, resource_id))
    if row is None:
        raise not_found("closure")
    return web.Response(status=204)


# -- services -------------------------------------------------------------------------------------

def _service_fields(f: Fields, creating: bool) -> dict[str, Any]:
    v: dict[str, Any] = {}
    slug = f.text("slug", required=creating, max_len=63)
    if slug is not None and not SLUG.match(slug):
        f.errors["slug"] = "use lower-case letters, digits and dashes"
    v["slug"] = slug
    v["name"] = f.text("name", required=creating, max_len=200)
    v["description"] = f.text("description", max_len=5000)
    for name in ("duration_minutes", "slot_step_minutes", "buffer_before_minutes", "buffer_after_minutes",
                 "cancellation_cutoff_minutes", "min_notice_minutes"):
        # the grid (multiples of 15, positive durations) is the database's rule; this only bounds the type
        v[name] = f.integer(name, required=creating and name == "duration_minutes", lo=INT_MIN, hi=INT_MAX)
    v["max_advance_days"] = f.integer("max_advance_days", lo=INT_MIN, hi=INT_MAX)
    v["max_seats_per_booking"] = f.integer("max_seats_per_booking", lo=INT_MIN, hi=INT_MAX)
    v["requires_confirmation"] = f.boolean("requires_confirmation")
    v["visibility"] = f.choice("visibility", VISIBILITIES)
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
    if creating and v.get("slot_step_minutes") is None:
        v["slot_step_minutes"] = v.get("duration_minutes")
    return {k: val for k, val in v.items() if val is not None or k in f.data}


def _fixed_window(f: Fields) -> tuple[bool, dt.datetime | None]:
    if "starts_at" not in f.data:
        return False, None
    return True, f.instant("starts_at")


async def _service(request: web.Request, service_id: Any) -> dict[str, Any]:
    row = await db.query_one(
        request, sql.SQL("SELECT {} AS service FROM booking.services s WHERE s.id = %s").format(
            sql.SQL(SERVICE_JSON)), (service_id,))
    if row is None:
        raise not_found("service")
    return _with_link(request, row["service"])


def _with_link(request: web.Request, service: dict[str, Any]) -> dict[str, Any]:
    return {**service, "link": f"{request.app[db.SETTINGS].public_url}/book/{service['slug']}"}


async def _link_resources(cur: Any, service_id: Any, slugs: Any) -> None:
    if not isinstance(slugs, list) or not all(isinstance(s, str) for s in slugs):
        raise invalid({"resources": "must be a list of resource slugs"})
    await cur.execute("SELECT id, slug FROM booking.resources WHERE slug = ANY (%s)", (slugs,))
    found = {r["slug"]: r["id"] for r in await cur.fetchall()}
    missing = [s for s in slugs if s not in found]
    if missing:
        raise invalid({"resources": "no such resource: " + ", ".join(missing)})
    await cur.execute("DELETE FROM booking.service_resources WHERE service_id = %s", (service_id,))
    for rid in found.values():
        await cur.execute("INSERT INTO booking.service_resources VALUES (%s, %s)", (service_id, rid))


async def list_services(request: web.Request) -> web.Response:
    await require_admin(request)
    rows = await db.query(request, sql.SQL("SELECT {} AS service FROM booking.services s ORDER BY s.slug")
                          .format(sql.SQL(SERVICE_JSON)))
    return json_response({"data": [_with_link(request, r["service"]) for r in rows]})


async def get_service(request: web.Request) -> web.Response:
    await require_admin(request)
    return json_response(await _service(request, path_uuid(request, what="service")))


async def create_service(request: web.Request) -> web.Response:
    """Create a service and link its resources; the answer carries the public booking link."""
    await require_admin(request)
    f = Fields(await read_json(request))
    values = _service_fields(f, creating=True)
    _, window_start = _fixed_window(f)
    f.check()
    values["_window_start"] = window_start
    columns = [k for k in values if not k.startswith("_")]
    query = sql.SQL(
        "INSERT INTO booking.services ({}, fixed_window) VALUES ({}, "
        "CASE WHEN {w}::timestamptz IS NULL THEN NULL "
        "ELSE tstzrange({w}, {w} + make_interval(mins => {d})) END) RETURNING id").format(
        sql.SQL(", ").join(map(sql.Identifier, columns)), sql.SQL(", ").join(map(sql.Placeholder, columns)),
        w=sql.Placeholder("_window_start"), d=sql.Placeholder("duration_minutes"))
    async with db.transaction(request) as cur:
        await cur.execute(query, values)
        row = await cur.fetchone()
        assert row
        await _link_resources(cur, row["id"], f.data.get("resources", []))
    return json_response(await _service(request, row["id"]), status=201,
                         headers={"Location": f"/api/v1/admin/services/{row['id']}"})


async def update_service(request: web.Request) -> web.Response:
    await require_admin(request)
    service_id = path_uuid(request, what="service")
    f = Fields(await read_json(request))
    values = _service_fields(f, creating=False)
    has_window, window_start = _fixed_window(f)
    f.check()
    async with db.transaction(request) as cur:
        await cur.execute("SELECT id FROM booking.services WHERE id = %s FOR UPDATE", (service_id,))
        if await cur.fetchone() is None:
            raise not_found("service")
        if values:
            update = sql.SQL("UPDATE booking.services SET {}, updated_at = now() WHERE id = {}").format(
                _set_clause(values), sql.Placeholder("_id"))
            await cur.execute(update, {**values, "_id": service_id})
        if has_window:
            await cur.execute(
                "UPDATE booking.services SET fixed_window = CASE WHEN %(w)s::timestamptz IS NULL THEN NULL "
                "ELSE tstzrange(%(w)s, %(w)s + make_interval(mins => duration_minutes)) END "
                "WHERE id = %(id)s",
                {"w": window_start, "id": service_id})
        if "resources" in f.data:
            await _link_resources(cur, service_id, f.data["resources"])
    return json_response(await _service(request, service_id))


async def delete_service(request: web.Request) -> web.Response:
    """Deactivate: existing bookings stay; the public link stops offering slots."""
    await require_admin(request)
    return json_response(await _service(request, await _deactivate(request, "services", "service")))


# -- bookings overview ----------------------------------------------------------------------------

CSV_COLUMNS = ("reference", "status", "service", "resource", "starts_at", "ends_at", "seats", "price",
               "currency", "attendee_name", "attendee_email", "attendee_phone", "notes", "created_at", "id")


async def list_bookings(request: web.Request) -> web.Response:
    await require_admin(request)
    wants_csv = "text/csv" in request.headers.get("Accept", "") or request.query.get("format") == "csv"
    page, limit = page_params(request, max_limit=200, default_limit=50)
    f = Fields(request.query)
    params: dict[str, Any] = {
        "service": f.text("service", max_len=200),
        "resource": f.text("resource", max_len=200),
        "status": f.choice("status", STATUSES),
        "from": f.instant("from"),
        "to": f.instant("to"),
        "q": f.text("q", max_len=200),
    }
    f.check()
    where = """(%(service)s::text IS NULL OR s.slug = %(service)s OR s.id::text = %(service)s)
           AND (%(resource)s::text IS NULL OR r.slug = %(resource)s OR r.id::text = %(resource)s)
           AND (%(status)s::text IS NULL OR b.status::text = %(status)s)
           AND (%(from)s::timestamptz IS NULL OR b.ends_at > %(from)s)
           AND (%(to)s::timestamptz IS NULL OR b.starts_at < %(to)s)
           AND (%(q)s::text IS NULL OR strpos(lower(b.reference), lower(%(q)s)) > 0
                OR strpos(lower(b.attendee_name), lower(%(q)s)) > 0
                OR strpos(lower(b.attendee_email), lower(%(q)s)) > 0)"""
    # q is text to find, not a LIKE pattern: strpos gives its % _ and \ no special meaning
    base = sql.SQL("FROM booking.bookings b JOIN booking.services s ON s.id = b.service_id "
                   "JOIN booking.resources r ON r.id = b.resource_id WHERE " + where)
    if wants_csv:
        rows = await db.query(request, sql.SQL(
            "SELECT b.reference, b.status::text AS status, s.slug AS service, r.slug AS resource, "
            "b.starts_at, b.ends_at, b.seat_count AS seats, b.price, b.currency, b.attendee_name, "
            "b.attendee_email, b.attendee_phone, b.notes, b.created_at, b.id {} "
            "ORDER BY b.starts_at, b.id LIMIT 100000"
        ).format(base), params)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for row in rows:
            writer.writerow([_csv_cell(row[c]) for c in CSV_COLUMNS])
        return web.Response(text=out.getvalue(), content_type="text/csv", charset="utf-8",
                            headers={"Content-Disposition": 'attachment; filename="bookings.csv"'})
    rows = await db.query(request, sql.SQL(
        "SELECT api.booking_json(b) AS booking, count(*) OVER () AS total {} "
        "ORDER BY b.starts_at DESC, b.id LIMIT %(limit)s OFFSET %(offset)s").format(base),
        {**params, "limit": limit, "offset": (page - 1) * limit})
    total = int(rows[0]["total"]) if rows else 0
    if not rows and page > 1:
        count = await db.query_one(request, sql.SQL("SELECT count(*) AS n {}").format(base), params)
        total = int(count["n"]) if count else 0
    return json_response(paginated([r["booking"] for r in rows], total, page, limit))


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
    await require_admin(request)
    page, limit = page_params(request, max_limit=200, default_limit=50)
    f = Fields(request.query)
    status = f.choice("status", ("pending", "sending", "sent", "failed"))
    f.check()
    rows = await db.query(
        request,
        """SELECT n.id, n.booking_id, b.reference, n.kind, n.recipient, n.status::text AS status, n.attempts,
                  n.max_attempts, n.next_attempt_at, n.last_error, n.message_id, n.created_at, n.sent_at,
                  count(*) OVER () AS total
             FROM booking.notification_log n JOIN booking.bookings b ON b.id = n.booking_id
            WHERE %(status)s::text IS NULL OR n.status::text = %(status)s
            ORDER BY n.id DESC LIMIT %(limit)s OFFSET %(offset)s""",
        {"status": status, "limit": limit, "offset": (page - 1) * limit})
    return json_response(_page_of(rows, page, limit))


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
    await require_admin(request)
    page, limit = page_params(request, max_limit=200, default_limit=50)
    f = Fields(request.query)
    booking = f.ident("booking")
    f.check()
    rows = await db.query(
        request,
        """SELECT a.id AS seq, a.booking_id, bk.reference, a.action, a.status::text AS status,
                  s.slug AS service, r.slug AS resource, a.starts_at, a.ends_at,
                  a.old_starts_at, a.old_ends_at,
                  a.actor, u.email AS actor_email, a.db_user, a.at, count(*) OVER () AS total
             FROM booking.booking_audit a
             JOIN booking.services s ON s.id = a.service_id
             JOIN booking.resources r ON r.id = a.resource_id
             LEFT JOIN booking.bookings bk ON bk.id = a.booking_id
             LEFT JOIN booking.users u ON u.id = a.actor
            WHERE %(booking)s::uuid IS NULL OR a.booking_id = %(booking)s
            ORDER BY a.id DESC LIMIT %(limit)s OFFSET %(offset)s""",
        {"booking": booking, "limit": limit, "offset": (page - 1) * limit})
    return json_response(_page_of(rows, page, limit))

