"""Request parsing and response shaping shared by the handlers."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from typing import Any

from aiohttp import web

from edge.errors import Problem, invalid

MAX_BODY = 64 * 1024


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(value: Any) -> str:
    return json.dumps(value, default=_default, separators=(",", ":"))


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(text=dumps(data), status=status, content_type="application/json", headers=headers)


def _json_type(content_type: str) -> bool:
    return content_type == "application/json" or (
        content_type.startswith("application/") and content_type.endswith("+json"))


async def read_json(request: web.Request) -> dict[str, Any]:
    """The request body as a JSON object: 400 when malformed, 413 when over 64 KiB, 415 when not sent as
    application/json, 422 when not an object."""
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_BODY, actual_size=request.content_length)
    raw = await request.read()
    if not raw.strip():
        return {}
    if not _json_type(request.content_type):  # a cross-site form can only send text/plain and form types
        raise Problem(415, f"send the body as application/json, not {request.content_type or 'no type'}",
                      errors={"Content-Type": "must be application/json"})
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise Problem(400, f"the request body is not valid JSON: {str(exc)[:200]}") from None
    if not isinstance(body, dict):
        raise invalid({"body": "must be a JSON object"})
    try:  # JSON may escape a lone surrogate (\ud800) that no UTF-8 text, and so no database, can hold
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise Problem(400, "the request body contains an invalid Unicode escape (a lone surrogate)") from None
    if (where := _nul_at(body)) is not None:  # no PostgreSQL text can hold U+0000, whichever field it is in
        raise invalid({where or "body": "must not contain NUL characters"})
    return body


def _nul_at(value: Any, path: str = "") -> str | None:
    """The path (a.b[0].c) of the first string holding U+0000, or None."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        if isinstance(key, str) and "\x00" in key:
            return path or "body"
        sub = f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}" if path else key
        if (found := _nul_at(item, sub)) is not None:
            return found
    return None


class Fields:
    """Pulls typed fields out of a JSON object or a query string, collecting every error for one 422."""

    def __init__(self, data: Any, prefix: str = "") -> None:
        self.data = data
        self.prefix = prefix
        self.errors: dict[str, str] = {}

    def _fail(self, name: str, message: str) -> None:
        self.errors.setdefault(self.prefix + name, message)

    def _get(self, name: str, required: bool) -> Any:
        value = self.data.get(name)
        if value is None or (value == "" and not isinstance(self.data, dict)):
            if required:
                self._fail(name, "is required")
            return None
        return value

    def text(self, name: str, *, required: bool = False, max_len: int = 2000, min_len: int = 0) -> str | None:
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, str):
            self._fail(name, "must be a string")
            return None
        value = value.strip()
        if "\x00" in value:
            self._fail(name, "must not contain NUL characters")
            return None
        if len(value) < max(min_len, 1 if required else 0):
            self._fail(name, "is required" if not value else f"must be at least {min_len} characters")
            return None
        if len(value) > max_len:
            self._fail(name, f"must be at most {max_len} characters")
            return None
        return value

    def choice(self, name: str, choices: tuple[str, ...], *, default: str | None = None) -> str | None:
        value = self._get(name, False)
        if value is None:
            return default
        if value not in choices:
            self._fail(name, "must be one of " + ", ".join(choices))
            return default
        return str(value)

    def integer(self, name: str, *, required: bool = False, default: int | None = None,
            lo: int | None = None, hi: int | None = None) -> int | None:
        value = self._get(name, required)
        if value is None:
            return default
        if isinstance(value, str) and not isinstance(self.data, dict):
            try:
                value = int(value)
            except ValueError:
                self._fail(name, "must be a whole number")
                return default
        if isinstance(value, bool) or not isinstance(value, int):
            self._fail(name, "must be a whole number")
            return default
        if lo is not None and value < lo:
            self._fail(name, f"must be at least {lo}")
            return default
        if hi is not None and value > hi:
            self._fail(name, f"must be at most {hi}")
            return default
        return value

    def boolean(self, name: str, *, default: bool | None = None) -> bool | None:
        value = self._get(name, False)
        if value is None:
            return default
        if isinstance(value, str) and not isinstance(self.data, dict):
            if value.lower() in ("true", "1", "yes"):
                return True
            if value.lower() in ("false", "0", "no"):
                return False
        if not isinstance(value, bool):
            self._fail(name, "must be true or false")
            return default
        return value

    def instant(self, name: str, *, required: bool = False) -> dt.datetime | None:
        """An RFC 3339 instant; an offset is required so no time is ambiguous."""
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, str):
            self._fail(name, "must be an RFC 3339 date-time string")
            return None
        try:
            parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            self._fail(name, "must be an RFC 3339 date-time, e.g. 2026-05-04T09:00:00+02:00")
            return None
        if parsed.tzinfo is None:
            self._fail(name, "must include a UTC offset, e.g. +02:00 or Z")
            return None
        if not dt.datetime(1971, 1, 1, tzinfo=dt.UTC) <= parsed <= dt.datetime(9000, 1, 1, tzinfo=dt.UTC):
            self._fail(name, "is out of range")
            return None
        return parsed

    def day(self, name: str, *, required: bool = False) -> dt.date | None:
        value = self._get(name, required)
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(value) if isinstance(value, str) else _raise()
        except ValueError:
            self._fail(name, "must be a date, e.g. 2026-05-04")
            return None

    def ident(self, name: str, *, required: bool = False) -> uuid.UUID | None:
        value = self._get(name, required)
        if value is None:
            return None
        try:
            return uuid.UUID(value) if isinstance(value, str) else _raise()
        except ValueError:
            self._fail(name, "must be a UUID")
            return None

    def object(self, name: str) -> dict[str, Any] | None:
        value = self._get(name, False)
        if value is None:
            return None
        if not isinstance(value, dict):
            self._fail(name, "must be a JSON object")
            return None
        return value

    def check(self) -> None:
        if self.errors:
            raise invalid(self.errors)


def _raise() -> Any:
    raise ValueError


def path_uuid(request: web.Request, name: str = "id", what: str = "resource") -> uuid.UUID:
    """A UUID path segment; anything else is simply not found."""
    try:
        return uuid.UUID(request.match_info[name])
    except ValueError:
        raise Problem(404, f"{what} not found") from None


def page_params(request: web.Request, *, max_limit: int = 50, default_limit: int = 20) -> tuple[int, int]:
    f = Fields(request.query)
    page = f.integer("page", default=1, lo=1, hi=100_000)
    limit = f.integer("limit", default=default_limit, lo=1, hi=max_limit)
    f.check()
    assert page is not None and limit is not None
    return page, limit


def paginated(data: list[Any], total: int, page: int, limit: int) -> dict[str, Any]:
    return {"data": data, "meta": {"total": total, "page": page, "limit": limit,
                                   "total_pages": (total + limit - 1) // limit}}
