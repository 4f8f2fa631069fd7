# ruff: noqa: E501  -- a declarative document: one schema or operation per line reads better than wrapped
"""The OpenAPI 3.1 document of the HTTP API (served at /api/openapi.json) and the local
docs page (/api/docs). Written by hand next to the routes in edge.app; tests check that
every route is described and schemathesis fuzzes the API against it."""

from __future__ import annotations

from typing import Any

from edge.errors import KINDS, TITLES, problem_type

API = "/api/v1"
J = "application/json"
PROBLEM = "application/problem+json"

Schema = dict[str, Any]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


STR: Schema = {"type": "string"}
INT: Schema = {"type": "integer"}
BOOL: Schema = {"type": "boolean"}
TIME: Schema = {"type": "string", "format": "date-time"}
UUID: Schema = {"type": "string", "format": "uuid"}
MONEY: Schema = {"type": "string", "pattern": r"^\d+\.\d{2}$", "examples": ["49.00"]}


def obj(props: dict[str, Schema], required: list[str] | None = None, extra: bool = True) -> Schema:
    schema: Schema = {"type": "object", "properties": props}
    if required:
        schema["required"] = required
    if not extra:
        schema["additionalProperties"] = False
    return schema


def page_of(item: str) -> Schema:
    return obj({"data": {"type": "array", "items": ref(item)}, "meta": ref("PageMeta")}, ["data", "meta"])


SLOT = obj({"starts_at": TIME, "ends_at": TIME, "seats_left": INT}, ["starts_at", "ends_at", "seats_left"])

SCHEMAS: dict[str, Schema] = {
    "Problem": obj({
        "type": {"type": "string", "description": "URI reference of the problem type, documented below"},
        "title": STR, "status": INT, "detail": STR, "instance": STR,
        "errors": {"type": "object", "additionalProperties": STR,
                   "description": "422: field -> message (nested fields as attendee.email, rules[0].start)"},
        "alternatives": {"type": "array", "items": ref("Slot"),
                         "description": "409: the nearest bookable slots"},
        "request_id": {"type": ["string", "null"], "description": "5xx: also in the X-Request-Id header and the log"},
    }, ["type", "title", "status", "detail"]),
    "Slot": SLOT,
    "PageMeta": obj({"total": INT, "page": INT, "limit": INT, "total_pages": INT},
                    ["total", "page", "limit", "total_pages"]),
    "User": obj({"id": UUID, "email": STR, "name": STR, "role": {"enum": ["admin", "member"]},
                 "created_at": TIME}, ["id", "email", "name", "role"]),
    "Session": obj({"user": ref("User"), "access_token": STR, "token_type": {"const": "Bearer"},
                    "expires_in": INT}, ["user", "access_token", "expires_in"]),
    "ApiToken": obj({"id": UUID, "name": STR, "prefix": STR, "created_at": TIME,
                     "last_used_at": nullable(TIME), "expires_at": nullable(TIME),
                     "token": {"type": "string", "description": "only in the 201 response", "pattern": "^bk_"}},
                    ["id", "name", "prefix", "created_at"]),
    "Attendee": obj({"name": nullable(STR), "email": nullable(STR), "phone": nullable(STR)}),
    "Booking": obj({
        "id": UUID, "reference": {"type": "string", "pattern": "^BK-"}, "service": STR, "service_name": STR,
        "resource": STR, "resource_name": STR, "timezone": STR, "starts_at": TIME, "ends_at": TIME,
        "seats": INT, "status": {"enum": ["held", "pending", "confirmed", "cancelled", "expired", "declined"]},
        "price": MONEY, "currency": STR, "hold_expires_at": TIME, "expires_at": nullable(TIME),
        "cancellable_until": TIME, "created_at": TIME, "updated_at": TIME,
        "attendee": ref("Attendee"), "notes": nullable(STR), "metadata": {"type": "object"},
        "user_id": nullable(UUID),
        "manage_token": {"type": "string", "description": (
            "guests only, in the 201 response (and its idempotent replay): an HMAC of the booking id "
            "keyed with BOOKER_SECRET; nothing is stored, so it cannot be shown again later")},
    }, ["id", "reference", "service", "resource", "starts_at", "ends_at", "seats", "status", "price",
        "currency"]),
    "BookingRequest": obj({
        "service": {"type": "string", "description": "slug or id"},
        "starts_at": TIME, "resource": {"type": "string", "description": "slug or id"},
        "seats": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 1},
        "attendee": obj({"name": {"type": "string", "maxLength": 200}, "email": {"type": "string", "maxLength": 254},
                         "phone": {"type": "string", "maxLength": 50}}),
        "notes": {"type": "string", "maxLength": 2000}, "metadata": {"type": "object"},
        "hold": {"type": "string", "format": "uuid", "description": "convert this hold"},
    }, ["service"]),
    "HoldRequest": obj({
        "service": STR, "starts_at": TIME, "resource": STR,
        "seats": {"type": "integer", "minimum": 1, "maximum": 1000},
        "minutes": {"type": "integer", "minimum": 1, "maximum": 60, "default": 10},
    }, ["service", "starts_at"]),
    "BookingPatch": obj({"starts_at": TIME, "resource": STR, "notes": {"type": "string", "maxLength": 2000}}),
    "ServiceSummary": obj({
        "id": UUID, "slug": STR, "name": STR, "description": STR, "duration_minutes": INT, "price": MONEY,
        "currency": STR, "max_seats_per_booking": INT, "requires_confirmation": BOOL,
        "visibility": {"enum": ["public", "members", "unlisted"]}, "venue": nullable(STR),
        "starts_at": nullable(TIME), "ends_at": nullable(TIME), "capacity": nullable(INT),
        "seats_left": nullable(INT), "next_available": nullable(TIME),
    }, ["id", "slug", "name", "price", "currency", "seats_left", "next_available"]),
    "PublicResource": obj({"slug": STR, "name": STR, "kind": STR, "capacity": INT, "timezone": STR,
                           "location": nullable(STR), "description": STR}, ["slug", "name", "timezone"]),
    "Service": obj({
        "id": UUID, "slug": STR, "name": STR, "description": STR, "duration_minutes": INT,
        "slot_step_minutes": INT, "buffer_before_minutes": INT, "buffer_after_minutes": INT,
        "min_notice_minutes": INT, "max_advance_days": INT, "cancellation_cutoff_minutes": INT,
        "price": MONEY, "currency": STR, "max_seats_per_booking": INT, "requires_confirmation": BOOL,
        "visibility": STR, "venue": nullable(STR), "starts_at": nullable(TIME), "ends_at": nullable(TIME),
        "resources": {"type": "array", "items": ref("PublicResource")},
        "max_active_per_attendee": nullable(INT),
    }, ["id", "slug", "name", "resources"]),
    "Slots": obj({
        "service": STR, "from": TIME, "to": TIME, "seq": {"type": "integer", "minimum": 0},
        "slots": {"type": "array", "items": obj({
            "starts_at": TIME, "ends_at": TIME, "status": {"enum": ["available", "booked", "unavailable"]},
            "seats_left": INT}, ["starts_at", "ends_at", "status", "seats_left"])},
    }, ["slots", "seq"]),
    "Availability": obj({
        "service": STR, "from": TIME, "to": TIME, "next_available": nullable(TIME),
        "resources": {"type": "array", "items": obj({
            "resource": STR, "name": STR, "timezone": STR, "next_available": TIME,
            "slots": {"type": "array", "items": ref("Slot")}}, ["resource", "slots"])},
    }, ["resources", "next_available"]),
    "Rule": obj({"id": UUID, "weekday": {"type": "integer", "minimum": 1, "maximum": 7},
                 "start": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"},
                 "end": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"},
                 "valid_from": nullable({"type": "string", "format": "date"}),
                 "valid_until": nullable({"type": "string", "format": "date"})}, ["weekday", "start", "end"]),
    "Rules": obj({"rules": {"type": "array", "items": ref("Rule")}}, ["rules"]),
    "Closure": obj({"id": UUID, "resource_id": UUID, "starts_at": TIME, "ends_at": TIME, "reason": STR,
                    "created_at": TIME}, ["starts_at", "ends_at"]),
    "Resource": obj({
        "id": UUID, "slug": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,62}$"}, "name": STR,
        "kind": {"enum": ["room", "person", "team", "venue", "equipment"]},
        "capacity": {"type": "integer", "minimum": 1, "maximum": 100000}, "timezone": STR,
        "owner": nullable(STR), "email": nullable(STR), "location": nullable(STR), "description": STR,
        "active": BOOL, "created_at": TIME, "updated_at": TIME,
        "rules": {"type": "array", "items": ref("Rule"), "readOnly": True},
    }, ["slug", "name", "timezone"]),
    "AdminService": obj({
        "id": UUID, "slug": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,62}$"}, "name": STR,
        "description": STR, "duration_minutes": {"type": "integer", "minimum": 15, "maximum": 480},
        "slot_step_minutes": INT, "buffer_before_minutes": INT, "buffer_after_minutes": INT,
        "min_notice_minutes": INT, "max_advance_days": INT, "cancellation_cutoff_minutes": INT,
        "price": {"anyOf": [MONEY, {"type": "number", "minimum": 0}]}, "currency": STR,
        "max_seats_per_booking": INT, "requires_confirmation": BOOL,
        "visibility": {"enum": ["public", "members", "unlisted"]}, "venue": nullable(STR),
        "starts_at": nullable(TIME), "ends_at": nullable(TIME), "active": BOOL,
        "resources": {"type": "array", "items": STR, "description": "slugs of the resources that deliver it"},
        "link": {"type": "string", "description": "the public booking link"},
        "created_at": TIME, "updated_at": TIME,
        "max_active_per_attendee": nullable({"type": "integer", "minimum": 1, "maximum": 1000}),
    }, ["slug", "name", "duration_minutes"]),
    "Notification": obj({
        "id": INT, "booking_id": UUID, "reference": STR, "kind": STR, "recipient": STR,
        "status": {"enum": ["pending", "sending", "sent", "failed"]}, "attempts": INT, "max_attempts": INT,
        "next_attempt_at": TIME, "last_error": nullable(STR), "message_id": STR, "created_at": TIME,
        "sent_at": nullable(TIME)}, ["id", "kind", "recipient", "status"]),
    "MailSummary": obj({
        "id": STR, "date": TIME, "from": STR, "to": STR, "subject": STR, "size": INT},
        ["id", "date", "from", "to", "subject", "size"]),
    "MailMessage": obj({
        "id": STR, "date": TIME, "from": STR, "to": STR, "subject": STR, "size": INT,
        "headers": {"type": "array", "items": {"type": "array", "items": STR, "minItems": 2, "maxItems": 2},
                    "description": "[name, value] pairs in order"},
        "text": nullable(STR), "html": {**nullable(STR), "description": "never rendered by the API; the admin page shows it in a sandboxed iframe"},
        "attachments": {"type": "array", "items": obj({"filename": STR, "content_type": STR, "size": INT})},
        "truncated": BOOL}, ["id", "date", "from", "to", "subject", "size", "headers", "text", "html", "attachments"]),
    "AuditEntry": obj({
        "seq": INT, "booking_id": UUID, "reference": nullable(STR), "action": STR, "status": STR,
        "service": STR, "resource": STR, "starts_at": TIME, "ends_at": TIME, "old_starts_at": nullable(TIME),
        "old_ends_at": nullable(TIME), "actor": nullable(UUID), "actor_email": nullable(STR), "db_user": STR,
        "override": {**nullable(STR), "description": "what an admin overrode (e.g. cancelled inside the cutoff)"},
        "at": TIME}, ["seq", "booking_id", "action", "status", "at"]),
    "Health": obj({"status": STR, "database": STR, "pending_migrations": {"type": "array", "items": STR}},
                  ["status"]),
}

for _name in ("Booking", "User", "ApiToken", "ServiceSummary", "Notification", "AuditEntry", "MailSummary"):
    SCHEMAS[f"{_name}Page"] = page_of(_name)


def _problem(status: int) -> dict[str, Any]:
    return {"description": TITLES[status][1], "content": {PROBLEM: {"schema": ref("Problem")}}}


def _ok(status: int, schema: Schema | None, description: str = "OK", **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"description": description, **extra}
    if schema is not None:
        out["content"] = {J: {"schema": schema}}
    return {str(status): out}


def op(summary: str, ok: dict[str, Any], errors: tuple[int, ...] = (), *, body: Schema | None = None,
       params: list[dict[str, Any]] | None = None, auth: str = "optional", tags: tuple[str, ...] = ()
       ) -> dict[str, Any]:
    responses = dict(ok)
    for status in sorted({*errors, 500, 503} | ({400, 413, 415, 422} if body is not None else set())):
        responses[str(status)] = _problem(status)
    responses["default"] = {"description": "any other problem", "content": {PROBLEM: {"schema": ref("Problem")}}}
    operation: dict[str, Any] = {"summary": summary, "responses": responses, "tags": list(tags)}
    if params:
        operation["parameters"] = params
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {J: {"schema": body}}}
    if auth == "required":
        operation["security"] = [{"bearer": []}]
    elif auth == "admin":
        operation["security"] = [{"bearer": []}]
        operation["description"] = "Admins only."
    elif auth == "none":
        operation["security"] = []
    else:
        operation["security"] = [{}, {"bearer": []}]
    return operation


def q(name: str, schema: Schema, description: str = "", required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": description}


def p(name: str, schema: Schema | None = None) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema or STR}


PAGE = [q("page", {"type": "integer", "minimum": 1, "maximum": 100000, "default": 1}),
        q("limit", {"type": "integer", "minimum": 1, "maximum": 50, "default": 20})]
ADMIN_PAGE = [q("page", {"type": "integer", "minimum": 1, "maximum": 100000, "default": 1}),
              q("limit", {"type": "integer", "minimum": 1, "maximum": 200, "default": 50})]
CATALOGUE_PAGE = [ADMIN_PAGE[0], q("limit", {"type": "integer", "minimum": 1, "maximum": 200, "default": 200})]
RANGE = [q("from", TIME, "default: now"), q("to", TIME, "default: from + 7 days; at most 62 days after from")]
SINCE = q("since", {"type": "integer", "minimum": 0},
          "the change sequence the client already knows (a `seq` of /slots or of a live event): a "
          "replica that has not replayed it does not answer (docs/scaling.md)")
MANAGE = {"name": "X-Manage-Token", "in": "header", "required": False, "schema": STR,
          "description": "a guest's manage token: from the 201 response of POST /bookings or the "
                         "?token= of the link in the guest's emails (an HMAC of the booking id)"}
IDEMPOTENCY = {"name": "Idempotency-Key", "in": "header", "required": False,
               "schema": {"type": "string", "minLength": 1, "maxLength": 200},
               "description": "replays return the original 201 body; the same key with another body is a 422"}
BOOKING = [p("id", UUID), MANAGE]
SET_COOKIE: dict[str, Any] = {"headers": {"Set-Cookie": {"schema": STR, "description": "booker_refresh (httpOnly, SameSite=Strict)"}}}
NO_CONTENT = {"204": {"description": "No content"}}
STATUS = {"enum": ["held", "pending", "confirmed", "cancelled", "expired", "declined"]}
B, A, S, ADM, SYS = ("bookings",), ("auth",), ("catalogue",), ("admin",), ("system",)

PATHS: dict[str, dict[str, Any]] = {
    "/health": {"get": op("Liveness (no database)", _ok(200, ref("Health")), auth="none", tags=SYS)},
    "/ready": {"get": op("Readiness: the database answers and migrations are current",
                         _ok(200, ref("Health")), (503,), auth="none", tags=SYS)},
    f"{API}/auth/register": {"post": op(
        "Create an account; signs in", _ok(201, ref("Session"), "Created", **SET_COOKIE), (403, 409, 429),
        body=obj({"email": STR, "password": {"type": "string", "description": "8+ characters, a letter, a digit"},
                  "name": STR}, ["email", "password", "name"]), auth="none", tags=A)},
    f"{API}/auth/login": {"post": op(
        "Sign in", _ok(200, ref("Session"), **SET_COOKIE), (401, 403, 429),
        body=obj({"email": STR, "password": STR}, ["email", "password"]), auth="none", tags=A)},
    f"{API}/auth/refresh": {"post": op(
        "New access token from the refresh cookie (rotated; reuse revokes the family)",
        _ok(200, ref("Session"), **SET_COOKIE), (401, 403), auth="none", tags=A)},
    f"{API}/auth/logout": {"post": op("Revoke the refresh cookie's sign-in (without a valid cookie: nothing changes)",
                                      NO_CONTENT, (403,), auth="none", tags=A)},
    f"{API}/me": {"get": op("The signed-in user", _ok(200, ref("User")), (401,), auth="required", tags=A)},
    f"{API}/me/tokens": {
        "get": op("My API tokens", _ok(200, obj({"data": {"type": "array", "items": ref("ApiToken")}})), (401,),
                  auth="required", tags=A),
        "post": op("Create an API token (the secret is shown once)", _ok(201, ref("ApiToken"), "Created"), (401,),
                   body=obj({"name": {"type": "string", "maxLength": 100},
                             "expires_in_days": {"type": "integer", "minimum": 1, "maximum": 3650}}, ["name"]),
                   auth="required", tags=A),
    },
    f"{API}/me/tokens/{{id}}": {"delete": op("Revoke an API token", NO_CONTENT, (401, 404),
                                            params=[p("id", UUID)], auth="required", tags=A)},
    f"{API}/me/bookings": {"get": op(
        "My bookings", _ok(200, ref("BookingPage")), (401, 422),
        params=[*PAGE, q("from", TIME), q("to", TIME),
                q("status", STR, "comma-separated statuses")], auth="required", tags=B)},
    f"{API}/services": {"get": op(
        "The public catalogue", _ok(200, ref("ServiceSummaryPage")), (422,),
        params=[q("search", {"type": "string", "maxLength": 200}),
                q("sort", {"enum": ["name", "price", "starts_at"], "default": "name"}),
                q("order", {"enum": ["asc", "desc"], "default": "asc"}), *PAGE], tags=S)},
    f"{API}/services/{{slug}}": {"get": op("A service and its resources (410: deactivated)", _ok(200, ref("Service")), (404, 410),
                                           params=[p("slug")], tags=S)},
    f"{API}/services/{{slug}}/slots": {"get": op(
        "Every slot in a range with its status, and the change sequence to resume live updates from",
        _ok(200, ref("Slots")), (404, 422), params=[
            p("slug"), *RANGE,
            q("resource", {"type": "string", "maxLength": 200},
              "only this resource's slots (slug or id of one of the service's resources)"), SINCE], tags=S)},
    f"{API}/availability": {"get": op(
        "Bookable slots grouped by resource", _ok(200, ref("Availability")), (404, 422),
        params=[q("service", STR, required=True), q("resource", STR), *RANGE, SINCE], tags=S)},
    f"{API}/holds": {"post": op(
        "Hold a slot during checkout (at most 20 open per address and per account)",
        _ok(201, ref("Booking"), "Created"), (403, 404, 409, 429),
        body=ref("HoldRequest"), tags=B)},
    f"{API}/bookings": {"post": op(
        "Book a slot (members, or guests on public services with attendee name and email)",
        _ok(201, ref("Booking"), "Created", headers={"Location": {"schema": STR}}), (401, 403, 404, 409, 429),
        body=ref("BookingRequest"), params=[IDEMPOTENCY], tags=B)},
    f"{API}/bookings/{{id}}": {
        "get": op("A booking (its user, its guest with the manage token, the resource's owner, admins)",
                  _ok(200, ref("Booking")), (401, 404), params=BOOKING, tags=B),
        "patch": op("Reschedule and/or change notes; a 409 changes nothing", _ok(200, ref("Booking")),
                    (401, 404, 409), body=ref("BookingPatch"), params=BOOKING, tags=B),
        "delete": op("Cancel (idempotent); 422 inside the cutoff unless an admin passes force=true",
                     _ok(200, ref("Booking")), (401, 403, 404, 422),
                     params=[*BOOKING, q("force", BOOL), q("reason", {"type": "string", "maxLength": 500})],
                     tags=B),
    },
    f"{API}/bookings/{{id}}/confirm": {"post": op(
        "Approve a pending booking (the resource's owner or an admin)", _ok(200, ref("Booking")),
        (401, 403, 404, 409), params=[p("id", UUID)], auth="required", tags=B)},
    f"{API}/bookings/{{id}}/decline": {"post": op(
        "Decline a pending booking", _ok(200, ref("Booking")), (401, 403, 404, 409), params=[p("id", UUID)],
        auth="required", tags=B)},
    f"{API}/admin/resources": {
        "get": op("All resources, by slug, a page at a time", _ok(200, page_of("Resource")),
                  (401, 403, 422), params=CATALOGUE_PAGE, auth="admin", tags=ADM),
        "post": op("Create a resource (owner: a user's email)", _ok(201, ref("Resource"), "Created"),
                   (401, 403, 409), body=ref("Resource"), auth="admin", tags=ADM),
    },
    f"{API}/admin/resource-kinds": {"get": op(
        "The kinds a resource may be (the database's list)",
        _ok(200, obj({"data": {"type": "array", "items": STR}}, ["data"])), (401, 403), auth="admin", tags=ADM)},
    f"{API}/admin/resources/{{id}}": {
        "get": op("A resource with its rules", _ok(200, ref("Resource")), (401, 403, 404),
                  params=[p("id", UUID)], auth="admin", tags=ADM),
        "patch": op("Change a resource", _ok(200, ref("Resource")), (401, 403, 404, 409),
                    body=ref("Resource"), params=[p("id", UUID)], auth="admin", tags=ADM),
        "delete": op("Deactivate a resource", _ok(200, ref("Resource")), (401, 403, 404),
                     params=[p("id", UUID)], auth="admin", tags=ADM),
    },
    f"{API}/admin/resources/{{id}}/rules": {
        "get": op("Weekly opening hours", _ok(200, {"type": "array", "items": ref("Rule")}), (401, 403, 404),
                  params=[p("id", UUID)], auth="admin", tags=ADM),
        "put": op("Replace the weekly opening hours (local wall-clock time)",
                  _ok(200, {"type": "array", "items": ref("Rule")}), (401, 403, 404), body=ref("Rules"),
                  params=[p("id", UUID)], auth="admin", tags=ADM),
    },
    f"{API}/admin/resources/{{id}}/closures": {
        "get": op("Closures", _ok(200, obj({"data": {"type": "array", "items": ref("Closure")}})),
                  (401, 403, 404), params=[p("id", UUID)], auth="admin", tags=ADM),
        "post": op("Close a resource for a period", _ok(201, ref("Closure"), "Created"), (401, 403, 404),
                   body=obj({"starts_at": TIME, "ends_at": TIME, "reason": STR}, ["starts_at", "ends_at"]),
                   params=[p("id", UUID)], auth="admin", tags=ADM),
    },
    f"{API}/admin/resources/{{id}}/closures/{{closure}}": {"delete": op(
        "Remove a closure", NO_CONTENT, (401, 403, 404), params=[p("id", UUID), p("closure", UUID)],
        auth="admin", tags=ADM)},
    f"{API}/admin/services": {
        "get": op("All services, by slug, a page at a time", _ok(200, page_of("AdminService")),
                  (401, 403, 422), params=CATALOGUE_PAGE, auth="admin", tags=ADM),
        "post": op("Create a service and link its resources; returns the public link",
                   _ok(201, ref("AdminService"), "Created"), (401, 403, 409), body=ref("AdminService"),
                   auth="admin", tags=ADM),
    },
    f"{API}/admin/services/{{id}}": {
        "get": op("A service", _ok(200, ref("AdminService")), (401, 403, 404), params=[p("id", UUID)],
                  auth="admin", tags=ADM),
        "patch": op("Change a service (resources replaces the linked resources)", _ok(200, ref("AdminService")),
                    (401, 403, 404, 409), body=ref("AdminService"), params=[p("id", UUID)], auth="admin",
                    tags=ADM),
        "delete": op("Deactivate a service", _ok(200, ref("AdminService")), (401, 403, 404),
                     params=[p("id", UUID)], auth="admin", tags=ADM),
    },
    f"{API}/admin/bookings": {"get": op(
        "Bookings overview; Accept: text/csv exports every match",
        {"200": {"description": "OK", "content": {J: {"schema": ref("BookingPage")},
                                                   "text/csv": {"schema": STR}}}},
        (401, 403, 422),
        params=[q("service", STR), q("resource", STR), q("status", STATUS), q("from", TIME), q("to", TIME),
                q("q", {"type": "string", "maxLength": 200}, "reference, name or email contains"), *ADMIN_PAGE,
                q("around", TIME, "earliest first, pages cut at this instant; without page: the page that "
                                  "starts with the first booking at or after it (meta.around_page)")],
        auth="admin", tags=ADM)},
    f"{API}/admin/notifications": {"get": op(
        "The email outbox", _ok(200, ref("NotificationPage")), (401, 403, 422),
        params=[q("status", {"enum": ["pending", "sending", "sent", "failed"]}), *ADMIN_PAGE], auth="admin",
        tags=ADM)},
    f"{API}/admin/notifications/{{id}}/retry": {"post": op(
        "Re-queue a failed email", _ok(200, ref("Notification")), (401, 403, 404, 409),
        params=[p("id", {"type": "integer", "minimum": 1})], auth="admin", tags=ADM)},
    f"{API}/admin/audit": {"get": op(
        "The audit trail", _ok(200, ref("AuditEntryPage")), (401, 403, 422),
        params=[q("booking", UUID), *ADMIN_PAGE], auth="admin", tags=ADM)},
    f"{API}/admin/mail": {"get": op(
        "Messages saved by the development mail sink (settings.mail_dir), newest first; empty without the directory",
        _ok(200, ref("MailSummaryPage")), (401, 403, 422), params=ADMIN_PAGE, auth="admin", tags=ADM)},
    f"{API}/admin/mail/{{id}}": {"get": op(
        "One message of the mail sink: headers, text and HTML parts, attachments", _ok(200, ref("MailMessage")),
        (401, 403, 404), params=[p("id")], auth="admin", tags=ADM)},
    f"{API}/live": {"get": {
        "summary": "WebSocket: subscribe to topics (service:<slug>) and receive slot.changed events",
        "description": 'Send {"op":"subscribe","topics":["service:<slug>"],"since":<seq>?}; the server '
                       'answers {"type":"subscribed"}, replays missed changes, then pushes '
                       '{"type":"slot.changed","seq","service","starts_at","ends_at","status","seats_left"}; '
                       '{"type":"resync"} when a replay is impossible. Heartbeat every 25 s.',
        "tags": ["live"], "security": [],
        "responses": {"101": {"description": "Switching protocols"}, "400": _problem(400),
                      "403": _problem(403), "429": _problem(429)}}},
    f"{API}/services/{{slug}}/events": {"get": {
        "summary": "Server-Sent Events: slot.changed events of one service (id: <seq>; Last-Event-ID resumes)",
        "tags": ["live"], "security": [], "parameters": [p("slug")],
        "responses": {"200": {"description": "an event stream", "content": {"text/event-stream": {"schema": STR}}},
                      "404": _problem(404), "429": _problem(429)}}},
    f"{API}/services/{{slug}}/changes": {"get": op(
        "Polling, the live feed's last fallback: the slot.changed events of one service after `since`",
        _ok(200, obj({"service": STR, "seq": {"type": "integer", "minimum": 0}, "resync": BOOL,
                      "events": {"type": "array", "items": {"type": "object"}}}, ["seq", "resync", "events"])),
        (404, 422), params=[p("slug"), q("since", {"type": "integer", "minimum": 0}, "the last seq seen",
                                        required=True)], tags=("live",))},
    "/api/openapi.json": {"get": {"summary": "This document", "tags": list(SYS), "security": [],
                                  "responses": {"200": {"description": "OK", "content": {J: {"schema": {
                                      "type": "object"}}}}}}},
    "/api/docs": {"get": {"summary": "The API reference as a web page", "tags": list(SYS), "security": [],
                          "responses": {"200": {"description": "OK",
                                                "content": {"text/html": {"schema": STR}}}}}},
}

# The provider's workspace and the links of the provider's "please confirm" email (issue 13).
PROV = ("provider",)
SCHEMAS["ProviderResource"] = {"allOf": [ref("Resource"), obj({
    "closures": {"type": "array", "items": ref("Closure"), "description": "those not yet ended"}})]}
SCHEMAS["EmailAction"] = obj({
    "action": {"enum": ["confirm", "decline"]},
    "state": {"enum": ["open", "used", "decided", "expired", "done"],
              "description": "open: the button works; used: this link already acted; decided: the booking is "
                             "no longer pending; expired; done: the answer to the POST"},
    "message": {**nullable(STR), "description": "what the state means, in words"},
    "expires_at": TIME, "used_at": nullable(TIME), "booking": ref("Booking")},
    ["action", "state", "message", "expires_at", "booking"])
TOKEN = {"type": "string", "maxLength": 300, "description": "the token of the email's link (?token=)"}
PROVIDER_RESOURCE = [p("id", UUID)]
SCHEMAS["User"]["properties"]["provider"] = {"type": "boolean", "description": "GET /me: owns resources"}
PATHS.update({
    f"{API}/provider/bookings": {"get": op(
        "Bookings on the resources I own, by start (default: all but holds)", _ok(200, ref("BookingPage")),
        (401, 422), params=[q("from", TIME), q("to", TIME), q("status", STR, "comma-separated statuses"),
                            q("resource", UUID, "one of my resources"), *ADMIN_PAGE], auth="required", tags=PROV)},
    f"{API}/provider/resources": {"get": op(
        "The resources I own, with weekly rules and closures",
        _ok(200, obj({"data": {"type": "array", "items": ref("ProviderResource")}}, ["data"])), (401,),
        auth="required", tags=PROV)},
    f"{API}/provider/resources/{{id}}/rules": {
        "get": op("Weekly opening hours of a resource I own (admins: any)",
                  _ok(200, {"type": "array", "items": ref("Rule")}), (401, 403, 404), params=PROVIDER_RESOURCE,
                  auth="required", tags=PROV),
        "put": op("Replace the weekly opening hours of a resource I own (admins: any)",
                  _ok(200, {"type": "array", "items": ref("Rule")}), (401, 403, 404), body=ref("Rules"),
                  params=PROVIDER_RESOURCE, auth="required", tags=PROV),
    },
    f"{API}/provider/resources/{{id}}/closures": {
        "get": op("Closures of a resource I own", _ok(200, obj({"data": {"type": "array", "items": ref("Closure")}})),
                  (401, 403, 404), params=PROVIDER_RESOURCE, auth="required", tags=PROV),
        "post": op("Close a resource I own for a period", _ok(201, ref("Closure"), "Created"), (401, 403, 404),
                   body=obj({"starts_at": TIME, "ends_at": TIME, "reason": {"type": "string", "maxLength": 500}},
                            ["starts_at", "ends_at"]),
                   params=PROVIDER_RESOURCE, auth="required", tags=PROV),
    },
    f"{API}/provider/resources/{{id}}/closures/{{closure}}": {"delete": op(
        "Remove a closure of a resource I own", NO_CONTENT, (401, 403, 404),
        params=[p("id", UUID), p("closure", UUID)], auth="required", tags=PROV)},
    f"{API}/email-action": {
        "get": op("What a link of the provider's email would do (changes nothing); no sign-in",
                  _ok(200, ref("EmailAction")), (403, 404, 422), params=[q("token", TOKEN, required=True)],
                  auth="none", tags=PROV),
        "post": op("Confirm or decline as the link says, once; no sign-in. 409: already used or no longer "
                   "pending; 410: expired", _ok(200, ref("EmailAction")), (403, 404, 409, 410),
                   body=obj({"token": TOKEN, "reason": {"type": "string", "maxLength": 500,
                                                        "description": "a decline's reason, told to the attendee"}},
                            ["token"]), auth="none", tags=PROV),
    },
})
# Issue 13: moving a booking (admins, and the provider who owns its resource).
PATHS[f"{API}/bookings/{{id}}/move"] = {"post": op(
    "Move a booking to another start and/or resource (admins, the resource's owner; no cancellation cutoff, "
    "a move inside it is noted in the audit); a 409 with alternatives changes nothing",
    _ok(200, ref("Booking")), (401, 403, 404, 409),
    body=obj({"starts_at": TIME, "resource": {"type": "string", "description": "slug or id; default: the same"}},
             ["starts_at"]), params=[p("id", UUID)], auth="required", tags=B)}
# -- issue 14: account lifecycle, booking questions, reminders (edge/handlers/account.py) ------------
QUESTION = obj({"id": {"type": "string", "pattern": "^[a-z0-9_-]{1,40}$"},
                "label": {"type": "string", "maxLength": 200},
                "type": {"enum": ["short_text", "long_text", "phone", "choice", "checkbox"]},
                "required": BOOL, "options": {"type": "array", "items": STR, "maxItems": 20}}, ["label", "type"])
ACCOUNT_SETTINGS: dict[str, Schema] = {
    "questions": {"type": "array", "items": QUESTION, "maxItems": 20,
                  "description": "asked in the booking dialog; answered in POST /bookings answers"},
    "reminder_offsets": {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 43200},
                         "maxItems": 5, "description": "reminder emails, minutes before the start (default [1440])"},
    "requires_verified_email": {"type": "boolean", "description": "only members with a verified email book"},
}
for _name in ("Service", "AdminService"):
    SCHEMAS[_name]["properties"].update(ACCOUNT_SETTINGS)
SCHEMAS["BookingRequest"]["properties"]["answers"] = {
    "type": "object", "additionalProperties": {"type": ["string", "boolean"]},
    "description": "question id -> answer (text, or true/false for a checkbox); a wrong answer is a 422 "
                   "naming answers.<id>; stored in metadata.answers with the labels"}
SCHEMAS["User"]["properties"].update({"email_verified": BOOL, "time_zone": nullable(STR)})
SCHEMAS["Notification"]["properties"].update({"booking_id": nullable(UUID), "reference": nullable(STR)})
TOKEN_BODY = {"type": "string", "maxLength": 100, "description": "the ?token= of the emailed link"}
PATHS.update({
    f"{API}/auth/password-reset": {"post": op(
        "Email a password-reset link (single use, one hour); the same 202 whether or not the address has "
        "an account", _ok(202, obj({"detail": STR})), (429,), body=obj({"email": STR}, ["email"]),
        auth="none", tags=A)},
    f"{API}/auth/password-reset/confirm": {"post": op(
        "Set a new password with the emailed token; every sign-in of the account ends",
        NO_CONTENT, (429,), body=obj({"token": TOKEN_BODY, "password": STR}, ["token", "password"]),
        auth="none", tags=A)},
    f"{API}/auth/verify-email": {"post": op(
        "Verify the account's email address with the emailed token (single use)", _ok(200, ref("User")),
        (429,), body=obj({"token": TOKEN_BODY}, ["token"]), auth="none", tags=A)},
    f"{API}/auth/password": {"post": op(
        "Change my password (the current one is needed); my other sign-ins end, this one stays",
        _ok(200, obj({"access_token": STR, "token_type": {"const": "Bearer"}, "expires_in": INT,
                      "sessions_revoked": INT})), (401, 403, 429),
        body=obj({"current_password": STR, "new_password": STR}, ["current_password", "new_password"]),
        auth="required", tags=A)},
    f"{API}/me/verify-email": {"post": op(
        "Send me a new verification email (sent: false when already verified)",
        _ok(202, obj({"sent": BOOL, "detail": STR})), (401, 429), auth="required", tags=A)},
    f"{API}/me/profile": {"patch": op(
        "Change my name and/or time zone (null: each resource's own zone; a provider's emails and "
        "workspace use it)", _ok(200, ref("User")), (401,),
        body=obj({"name": {"type": "string", "maxLength": 200}, "time_zone": nullable(STR)}),
        auth="required", tags=A)},
})
# The waitlist (issue 16): join a full slot, offers (holds in the person's name) by email.
WAITLIST_TOKEN = {"name": "X-Waitlist-Token", "in": "header", "required": False, "schema": STR,
                  "description": "a guest's token: the entry's from the 201 response of POST /waitlist, or "
                                 "the offer's from the ?token= of the offer email's link (HMACs of the ids)"}
SCHEMAS["WaitlistEntry"] = obj({
    "id": UUID, "service": STR, "service_name": STR, "starts_at": TIME, "ends_at": TIME, "seats": INT,
    "name": STR, "email": STR, "member": BOOL,
    "status": {"enum": ["waiting", "offered", "booked", "lapsed", "declined", "left", "ended"]},
    "place": {**nullable(INT), "description": "1 = next in line; null unless waiting"},
    "offer": nullable(obj({"id": UUID, "offered_at": TIME, "expires_at": TIME})),
    "created_at": TIME, "position": {"type": "integer", "description": "admins: the sort key of the line"},
    "waitlist_offer_minutes": {"type": "integer", "description": "admins: the service's offer time"},
    "token": {"type": "string", "description": "guests only, in the 201 response: the entry token"},
}, ["id", "service", "starts_at", "seats", "status"])
SCHEMAS["WaitlistOffer"] = {"allOf": [ref("WaitlistEntry"), obj({
    "booking": ref("Booking"), "offer_status": {"enum": ["open", "booked", "lapsed", "declined"]}},
    ["booking", "offer_status"])]}
_ENTRY, _OFFER = [p("id", UUID), WAITLIST_TOKEN], [p("id", UUID), WAITLIST_TOKEN]
_LIST = obj({"data": {"type": "array", "items": ref("WaitlistEntry")}}, ["data"])
_ADMIN_LIST = obj({"data": {"type": "array", "items": ref("WaitlistEntry")},
                   "offer_minutes": {"type": "object", "additionalProperties": INT,
                                     "description": "every service's offer time, by slug"}}, ["data", "offer_minutes"])
PATHS.update({
    f"{API}/waitlist": {"post": op(
        "Join the waitlist of a full slot (members in one call; guests with attendee name and email); "
        "joining again returns the live entry. 422 (starts_at) while the slot has the seats free",
        _ok(201, ref("WaitlistEntry"), "Created", headers={"Location": {"schema": STR}}), (403, 404, 409, 429),
        body=obj({"service": STR, "starts_at": TIME, "seats": {"type": "integer", "minimum": 1, "maximum": 1000},
                  "attendee": obj({"name": {"type": "string", "maxLength": 200},
                                   "email": {"type": "string", "maxLength": 254}})}, ["service", "starts_at"]),
        tags=B)},
    f"{API}/waitlist/{{id}}": {
        "get": op("A waitlist entry (its member, its guest with the entry token, admins)",
                  _ok(200, ref("WaitlistEntry")), (401, 404), params=_ENTRY, tags=B),
        "delete": op("Leave the waitlist (an open offer is turned down and passes to the next in line)",
                     _ok(200, ref("WaitlistEntry")), (401, 404), params=_ENTRY, tags=B),
    },
    f"{API}/waitlist/offers/{{id}}": {"get": op(
        "A waitlist offer (the id is the offered hold's), with its status: open, booked, lapsed, declined",
        _ok(200, ref("WaitlistOffer")), (401, 404), params=_OFFER, tags=B)},
    f"{API}/waitlist/offers/{{id}}/accept": {"post": op(
        "Take the offer: the hold becomes the booking (a guest's answer carries its manage_token); "
        "409 once the offer has lapsed", _ok(200, ref("Booking")), (401, 404, 409), params=_OFFER, tags=B)},
    f"{API}/waitlist/offers/{{id}}/decline": {"post": op(
        "Turn the offer down: the seats go to the next in line", _ok(200, ref("WaitlistEntry")), (401, 404),
        params=_OFFER, tags=B)},
    f"{API}/me/waitlist": {"get": op("My live waitlist entries", _ok(200, _LIST), (401,), auth="required",
                                     tags=B)},
    f"{API}/admin/waitlist": {"get": op(
        "Waitlist entries of upcoming slots by service, slot and place (default: waiting and offered)",
        _ok(200, _ADMIN_LIST), (401, 403, 404, 422),
        params=[q("service", STR, "slug or id"), q("status", STR, "comma-separated statuses")],
        auth="admin", tags=ADM)},
    f"{API}/admin/waitlist/{{id}}/move": {"post": op(
        "Move a waiting entry to a place in its slot's line (1 = next)", _ok(200, ref("WaitlistEntry")),
        (401, 403, 404), body=obj({"place": {"type": "integer", "minimum": 1}}, ["place"]),
        params=[p("id", UUID)], auth="admin", tags=ADM)},
    f"{API}/admin/waitlist/{{id}}": {"delete": op(
        "Remove an entry (an open offer passes to the next in line)", _ok(200, ref("WaitlistEntry")),
        (401, 403, 404), params=[p("id", UUID)], auth="admin", tags=ADM)},
    f"{API}/admin/services/{{id}}/waitlist": {"put": op(
        "How long a waitlist offer of the service stays open (5 to 10080 minutes; default 30)",
        _ok(200, obj({"waitlist_offer_minutes": INT}, ["waitlist_offer_minutes"])), (401, 403, 404),
        body=obj({"waitlist_offer_minutes": {"type": "integer", "minimum": 5, "maximum": 10080}},
                 ["waitlist_offer_minutes"]), params=[p("id", UUID)], auth="admin", tags=ADM)},
})
# -- webhooks and calendar feeds (issue 16) ------------------------------------------------------
WEBHOOK_EVENTS = ["booking.created", "booking.confirmed", "booking.declined", "booking.cancelled",
                  "booking.rescheduled", "waitlist.offer"]
SCHEMAS.update({
    "WebhookEndpoint": obj({
        "id": UUID, "url": {"type": "string", "format": "uri", "maxLength": 2000},
        "events": {"type": "array", "items": {"enum": WEBHOOK_EVENTS}, "minItems": 1},
        "description": {"type": "string", "maxLength": 500}, "active": BOOL,
        "max_attempts": {"type": "integer", "minimum": 1, "maximum": 20},
        "secret": {"type": "string", "minLength": 16, "maxLength": 200,
                   "description": "write; read only in the answer that created or replaced it"},
        "secret_hint": STR, "disabled_at": nullable(TIME), "disabled_reason": nullable(STR),
        "created_at": TIME, "updated_at": TIME,
        "deliveries": obj({"pending": INT, "delivered": INT, "failed": INT})}),
    "WebhookDelivery": obj({
        "id": INT, "event": {"enum": WEBHOOK_EVENTS}, "event_id": UUID, "booking_id": UUID, "reference": STR,
        "status": {"enum": ["pending", "sending", "delivered", "failed"]}, "attempts": INT, "max_attempts": INT,
        "next_attempt_at": TIME, "last_status": nullable(INT), "last_error": nullable(STR),
        "redelivery_of": nullable(INT), "created_at": TIME, "delivered_at": nullable(TIME),
        "log": {"type": "array", "items": obj({"attempt": INT, "at": TIME, "status_code": nullable(INT),
                                                "error": nullable(STR), "duration_ms": nullable(INT)})}}),
    "CalendarFeed": obj({"kind": {"enum": ["member", "provider", "resource"]}, "subject_id": UUID, "name": STR,
                         "token": nullable(STR), "url": nullable(STR), "webcal": nullable(STR)},
                        ["token", "url", "webcal"]),
})
WEBHOOK = [p("id", UUID)]
PATHS.update({
    f"{API}/admin/webhook-events": {"get": op(
        "The event types a webhook may subscribe to", _ok(200, obj({"data": {"type": "array", "items": STR}})),
        (401, 403), auth="admin", tags=ADM)},
    f"{API}/admin/webhooks": {
        "get": op("Webhook endpoints with delivery counts",
                  _ok(200, obj({"data": {"type": "array", "items": ref("WebhookEndpoint")}})), (401, 403),
                  auth="admin", tags=ADM),
        "post": op("Register a webhook endpoint (url, events; the secret is generated unless given, and "
                   "shown in this answer only). Deliveries are POSTs signed with Booker-Signature: see "
                   "docs/http-api.md", _ok(201, ref("WebhookEndpoint"), "Created"), (401, 403),
                   body=ref("WebhookEndpoint"), auth="admin", tags=ADM),
    },
    f"{API}/admin/webhooks/{{id}}": {
        "patch": op("Change an endpoint; active=true re-enables one disabled after failing",
                    _ok(200, ref("WebhookEndpoint")), (401, 403, 404), body=ref("WebhookEndpoint"),
                    params=WEBHOOK, auth="admin", tags=ADM),
        "delete": op("Delete an endpoint and its delivery log", NO_CONTENT, (401, 403, 404), params=WEBHOOK,
                     auth="admin", tags=ADM),
    },
    f"{API}/admin/webhooks/{{id}}/deliveries": {"get": op(
        "An endpoint's delivery log, newest first, each with its attempts and response codes",
        _ok(200, page_of("WebhookDelivery")), (401, 403, 404, 422),
        params=[*WEBHOOK, q("status", {"enum": ["pending", "sending", "delivered", "failed"]}), *ADMIN_PAGE],
        auth="admin", tags=ADM)},
    f"{API}/admin/webhook-deliveries/{{id}}/redeliver": {"post": op(
        "Send a delivery again (same event id and body); 409 while its endpoint is disabled",
        _ok(201, ref("WebhookDelivery"), "Created"), (401, 403, 404, 409),
        params=[p("id", {"type": "integer", "minimum": 1})], auth="admin", tags=ADM)},
    f"{API}/me/calendar-feeds": {"get": op(
        "My calendar subscription URLs (my bookings; the bookings of the resources I own); null until made",
        _ok(200, obj({"data": {"type": "array", "items": ref("CalendarFeed")}})), (401,), auth="required",
        tags=A)},
    f"{API}/me/calendar-feeds/rotate": {"post": op(
        "Make or replace one of my feed URLs: the old one stops working", _ok(200, ref("CalendarFeed")), (401,),
        body=obj({"kind": {"enum": ["member", "provider"]}}, ["kind"]), auth="required", tags=A)},
    f"{API}/admin/resources/{{id}}/calendar-feed": {"get": op(
        "The calendar subscription URL of a resource (null until made)", _ok(200, ref("CalendarFeed")),
        (401, 403, 404),
        params=[p("id", UUID)], auth="admin", tags=ADM)},
    f"{API}/admin/resources/{{id}}/calendar-feed/rotate": {"post": op(
        "Make or replace a resource's feed URL: the old one stops working", _ok(200, ref("CalendarFeed")),
        (401, 403, 404), params=[p("id", UUID)], auth="admin", tags=ADM)},
    "/calendar/{token}.ics": {"get": {
        "summary": "A calendar subscription (text/calendar): the token is the credential. VEVENTs with "
                   "UID <booking id>@booker and SEQUENCE as in the emailed invitations; cancelled bookings "
                   "as STATUS:CANCELLED for 30 days. ETag; If-None-Match answers 304",
        "tags": list(SYS), "security": [],
        "parameters": [p("token"), {"name": "If-None-Match", "in": "header", "required": False, "schema": STR}],
        "responses": {"200": {"description": "OK", "content": {"text/calendar": {"schema": STR}}},
                      "304": {"description": "Not modified"}, "404": _problem(404)}}},
})

# /ready answers its own JSON with 503, naming what is missing.
PATHS["/ready"]["get"]["responses"]["503"] = {"description": "not ready", "content": {J: {"schema": ref("Health")}}}

PROBLEM_TYPES = {
    slug: {"status": status, "title": title, "uri": problem_type(status)}
    for status, (slug, title) in sorted(TITLES.items())
} | {slug: {"status": status, "title": title, "uri": problem_type(status, slug)}
     for slug, (status, title) in KINDS.items()}


def document(server_url: str = "/") -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Booker HTTP API",
            "version": "1.0.0",
            "description": (
                "Bookings whose correctness PostgreSQL owns. Times are RFC 3339 with an offset. "
                "Errors are application/problem+json (RFC 9457); `type` is one of the problem types "
                "listed in `x-problem-types`: 400 malformed JSON, 401 no or bad credentials, 403 not allowed, "
                "404 not found (also for objects you may not see), 405 wrong method, 409 conflict (with "
                "`alternatives`), 413 body over 64 KiB, 415 a body not sent as application/json, 422 invalid "
                "(with `errors`), 429 too many requests or connections (sign-in failures, registrations, "
                "holds, guest bookings or connections per client address; Retry-After), 500/503 (with "
                "`request_id`, also in X-Request-Id). A 503 is `unavailable` (the database cannot be "
                "reached; nothing happened), `busy` (no database connection became free in a few seconds; "
                "nothing happened; Retry-After) or `outcome-unknown` (the connection broke while a write "
                "ran: it may have taken effect; retry with the same Idempotency-Key). A browser request "
                "from another site (Origin) to /auth/* or /live gets 403."),
        },
        "servers": [{"url": server_url}],
        "x-problem-types": PROBLEM_TYPES,
        "tags": [{"name": n} for n in ("auth", "catalogue", "bookings", "admin", "live", "system", "provider")],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "an access JWT (15 min) or an API token bk_…"}},
        },
    }
