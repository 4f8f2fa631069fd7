"""Errors as RFC 9457 problem+json: the single SQLSTATE -> HTTP table and the middleware.

Custom SQLSTATEs of class RB carry the HTTP status in their last three digits
(RB404, RB409, RB422, RB403). Built-in codes map through SQLSTATE_STATUS, exact
code first, then the two-character class. No SQL text or stack trace ever reaches
a client: 5xx responses carry only a request id, which the log line also carries.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

import psycopg
from aiohttp import web
from psycopg_pool import PoolTimeout, TooManyRequests

from booker.logging import new_request_id
from booker.logging import request_id as request_id_var

log = logging.getLogger("booker.edge")

PROBLEM_JSON = "application/problem+json"
REQUEST_ID = web.RequestKey("request_id", str)

# The one table: SQLSTATE (exact code, or two-character class) -> HTTP status.
SQLSTATE_STATUS: dict[str, int] = {
    "RB401": 401,
    "RB403": 403,
    "RB404": 404,
    "RB409": 409,
    "RB422": 422,
    "RB429": 429,
    "23P01": 409,  # exclusion_violation: the slot is taken
    "40P01": 503,  # deadlock_detected: retried once by edge.db, then 503; never "taken"
    "23505": 409,  # unique_violation: e.g. email or slug taken
    "23514": 422,  # check_violation
    "23502": 422,  # not_null_violation
    "23503": 422,  # foreign_key_violation: names something that does not exist
    "22": 422,     # data exception: malformed or out-of-range value
    "40001": 503,  # serialization_failure: retried once by edge.db, then 503
    "08": 503,     # connection exception
    "53": 503,     # insufficient resources (too many connections, disk full)
    "57": 503,     # operator intervention (shutdown, cancelled by admin)
}

# Problem types: a stable slug per kind of problem, documented at /api/docs.
TITLES: dict[int, tuple[str, str]] = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "Authentication required"),
    403: ("forbidden", "Not allowed"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    409: ("conflict", "Conflict"),
    410: ("gone", "Gone"),  # e.g. an expired email action link (RB410)
    413: ("payload-too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("validation-error", "Invalid request"),
    429: ("too-many-requests", "Too many requests"),
    500: ("internal-error", "Internal server error"),
    503: ("unavailable", "Service unavailable"),
}

# Problem types that share a status with another: (slug, title), chosen with Problem(kind=...).
KINDS: dict[str, tuple[int, str]] = {
    "busy": (503, "Service busy"),
    "outcome-unknown": (503, "Outcome unknown"),
}
# SQLSTATEs of a connection that broke (or was ended) while a statement may have run.
CONNECTION_LOST = ("08", "57P01", "57P02", "57P03")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def problem_type(status: int, kind: str | None = None) -> str:
    slug = kind or TITLES.get(status, ("error", ""))[0]
    return f"/api/docs#problem-{slug}"


def busy() -> Problem:
    """Every database connection stayed in use for the whole wait (BOOKER_DB_POOL_WAIT)."""
    return Problem(503, "the server is busy: no database connection became free in time; try again shortly",
                   headers={"Retry-After": "2"}, kind="busy")


def outcome_unknown() -> Problem:
    """The connection broke while a write was running: it may or may not have committed."""
    return Problem(503, "the connection to the database was lost while this request ran, so it may or may "
                   "not have taken effect: retry with the same Idempotency-Key (a retry without one may "
                   "act twice)", headers={"Retry-After": "1"}, kind="outcome-unknown")


def _connection_lost(exc: psycopg.Error) -> bool:
    return isinstance(exc, psycopg.OperationalError) and (
        exc.sqlstate is None or exc.sqlstate.startswith(CONNECTION_LOST))


class Problem(Exception):
    """An error a handler raises on purpose; rendered as problem+json."""

    def __init__(
        self,
        status: int,
        detail: str | None = None,
        *,
        errors: dict[str, str] | None = None,
        alternatives: list[Any] | None = None,
        headers: dict[str, str] | None = None,
        title: str | None = None,
        kind: str | None = None,
    ) -> None:
        super().__init__(detail or "")
        self.status = status
        self.detail = detail
        self.errors = errors
        self.alternatives = alternatives
        self.headers = headers or {}
        self.title = title
        self.kind = kind  # a KINDS slug, for a problem type distinct from its status's


def invalid(errors: dict[str, str]) -> Problem:
    """A 422 naming each offending field."""
    detail = "; ".join(f"{k}: {v}" for k, v in errors.items())
    return Problem(422, detail, errors=errors)


def not_found(what: str = "resource") -> Problem:
    return Problem(404, f"{what} not found")


def status_for_sqlstate(sqlstate: str | None) -> int:
    if not sqlstate:
        return 503  # no SQLSTATE: the connection itself failed
    if sqlstate in SQLSTATE_STATUS:
        return SQLSTATE_STATUS[sqlstate]
    if sqlstate[:2] in SQLSTATE_STATUS:
        return SQLSTATE_STATUS[sqlstate[:2]]
    if sqlstate.startswith("RB") and sqlstate[2:].isdigit():
        return int(sqlstate[2:])
    return 500


def _detail_json(diag: psycopg.errors.Diagnostic) -> dict[str, Any]:
    try:
        value = json.loads(diag.message_detail or "")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


_CONSTRAINT_FIELD = re.compile(r"^[a-z_]+?_(?P<field>[a-z_]+?)_(check|key|fkey|excl)$")


def problem_from_db(exc: psycopg.Error) -> Problem:
    """Translate a database error; only our own RB messages are shown verbatim."""
    sqlstate = exc.sqlstate
    if sqlstate is None and isinstance(exc, psycopg.DataError):
        # raised by the driver before sending, e.g. a NUL character in a string
        return invalid({"body": "contains a value the database cannot store (e.g. a NUL character)"})
    status = status_for_sqlstate(sqlstate)
    diag = exc.diag
    if sqlstate and sqlstate.startswith("RB"):
        extra = _detail_json(diag)
        message = diag.message_primary or TITLES.get(status, ("", "Error"))[1]
        errors = extra.get("errors") if isinstance(extra.get("errors"), dict) else None
        if status == 422 and not errors:
            errors = {"body": message}
        alternatives = extra.get("alternatives") if status == 409 else None
        if status == 409 and not isinstance(alternatives, list):
            alternatives = []
        headers = {}
        if status == 429 and isinstance(extra.get("retry_after"), int):
            headers["Retry-After"] = str(extra["retry_after"])
        return Problem(status, message, errors=errors, alternatives=alternatives, headers=headers)
    if status == 409:
        if sqlstate == "23505":
            field = _constraint_field(diag.constraint_name)
            return Problem(409, f"{field} is already taken", errors={field: "is already taken"})
        return Problem(409, "the slot was taken by a concurrent request", alternatives=[])
    if status == 422:
        if sqlstate == "23502" and diag.column_name:  # not_null_violation names its column
            return invalid({diag.column_name: "is required"})
        fields = _constraint_field(diag.constraint_name).split(",")  # a rule over two fields names both
        message = CONSTRAINT_MESSAGES.get(diag.constraint_name or "", "is not valid")
        return invalid(dict.fromkeys(fields, message))
    if status == 503:
        return Problem(503, "the database is unavailable; try again shortly", headers={"Retry-After": "1"})
    return Problem(500, "an unexpected error occurred")


# Constraints whose name does not spell the request field they guard.
CONSTRAINT_FIELDS: dict[str, str] = {
    "services_duration_check": "duration_minutes",
    "services_slot_step_check": "slot_step_minutes",
    "services_buffers_check": "buffer_before_minutes,buffer_after_minutes",
    "services_notice_check": "min_notice_minutes,max_advance_days,cancellation_cutoff_minutes",
    "services_price_check": "price,currency",
    "services_seats_check": "max_seats_per_booking",
    "services_fixed_window_check": "starts_at",
    "availability_rules_weekday_check": "rules",
    "availability_rules_times_check": "rules",
    "availability_rules_grid_check": "rules",
    "availability_rules_validity_check": "rules",
    "closures_during_check": "ends_at",
    "email_address_check": "email",  # the domain booking.email_address (users, resources)
    "services_price_finite_check": "price",  # migration 0076: not NaN
}
CONSTRAINT_MESSAGES: dict[str, str] = {"email_address_check": "is not an email address",
                                       "services_price_finite_check": "must be a number, e.g. 49.00"}


def _constraint_field(name: str | None) -> str:
    if name in CONSTRAINT_FIELDS:
        return CONSTRAINT_FIELDS[name]
    if name:
        m = _CONSTRAINT_FIELD.match(name)
        if m:
            return m.group("field")
    return "body"


def problem_response(request: web.Request, problem: Problem) -> web.Response:
    default_title = KINDS[problem.kind][1] if problem.kind in KINDS else TITLES.get(
        problem.status, ("error", "Error"))[1]
    body: dict[str, Any] = {
        "type": problem_type(problem.status, problem.kind),
        "title": problem.title or default_title,
        "status": problem.status,
        "detail": problem.detail or default_title,
        "instance": request.path,
    }
    if problem.errors is not None:
        body["errors"] = problem.errors
    if problem.alternatives is not None:
        body["alternatives"] = problem.alternatives
    if problem.status >= 500:
        body["request_id"] = request.get(REQUEST_ID)
    # A problem is the state of now: 404 and 410 are cacheable by default (RFC 9111), and a
    # browser that kept a 410 would not see a service that was reactivated (issue 13).
    headers = {"Cache-Control": "no-store", **(problem.headers or {})}
    return web.Response(
        status=problem.status,
        text=json.dumps(body),
        content_type=PROBLEM_JSON,
        headers=headers,
    )


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Assign a request id; turn every error into problem+json; log 5xx with the id."""
    request_id = new_request_id(request.headers.get("X-Request-Id"))
    request[REQUEST_ID] = request_id
    request_id_var.set(request_id)
    exc_info: BaseException | None = None
    try:
        response = await handler(request)
    except asyncio.CancelledError:
        raise
    except Problem as exc:
        response = problem_response(request, exc)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        headers = {k: v for k, v in exc.headers.items() if k.lower() in ("allow", "retry-after")}
        detail = exc.text if exc.text and not exc.text.startswith(f"{exc.status}:") else None
        if exc.status == 413:
            detail = "the request body is larger than 64 KiB"
        elif exc.status == 404:
            detail = detail or f"no such route: {request.path}"
        elif exc.status == 405:
            detail = f"{request.method} is not allowed here; allowed: {headers.get('Allow', '')}"
        response = problem_response(request, Problem(exc.status, detail, headers=headers))
    except (PoolTimeout, TooManyRequests):  # OperationalError subclasses: before psycopg.Error
        response = problem_response(request, busy())
    except psycopg.Error as exc:
        if _connection_lost(exc) and request.method not in SAFE_METHODS:
            problem = outcome_unknown()
        else:
            problem = problem_from_db(exc)
        if problem.status >= 500:
            exc_info = exc
        response = problem_response(request, problem)
    except Exception as exc:
        exc_info = exc
        response = problem_response(request, Problem(500, "an unexpected error occurred"))
    if response.status >= 500:
        log.error("%s %s -> %s request_id=%s", request.method, request.path, response.status, request_id,
                  exc_info=exc_info)
    if not response.prepared:
        response.headers["X-Request-Id"] = request_id
    return response
