"""Structured logs for every Booker process.

`configure_logging(settings)` sends the root logger to stderr: JSON lines (one object
per record) when stderr is not a terminal or BOOKER_LOG_FORMAT=json, short text lines
for a person at a terminal. Every record carries the id of the HTTP request it belongs
to (`request_id`, from a context variable the edge sets per request) and any fields
passed with `extra={...}`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import secrets
import sys
from contextvars import ContextVar
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from booker.settings import Settings

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

# Attributes every LogRecord has; anything else on a record came from `extra=` and is logged as a field.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime",
                                                                                 "taskName"}


def new_request_id(incoming: str | None = None) -> str:
    """Keep a caller's X-Request-ID when it is short and printable; otherwise make one."""
    if incoming and len(incoming) <= 64 and incoming.isascii() and incoming.isprintable():
        return incoming
    return secrets.token_hex(8)


class _Context(logging.Filter):
    """Adds the process component and the current request id to every record."""

    def __init__(self, component: str) -> None:
        super().__init__()
        self.component = component

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        record.component = self.component
        return True


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in vars(record).items() if k not in _STANDARD and k not in ("component",)
            and not k.startswith("_") and v is not None}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "component": getattr(record, "component", None),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        out.update(_fields(record))
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        when = dt.datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        fields = _fields(record)
        rid = fields.pop("request_id", None)
        extra = " ".join(f"{k}={v}" for k, v in fields.items())
        line = (f"{when} {record.levelname.lower():7} {getattr(record, 'component', '')} {record.name}: "
                f"{record.getMessage()}{f' [{rid}]' if rid else ''}{f'  {extra}' if extra else ''}")
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def use_json(log_format: str, stream: IO[str]) -> bool:
    if log_format in ("json", "text"):
        return log_format == "json"
    return not (hasattr(stream, "isatty") and stream.isatty())


def configure_logging(settings: Settings, component: str | None = None,
                      stream: IO[str] | None = None) -> None:
    """Route all logging (aiohttp's access log included) through one structured handler."""
    stream = stream or sys.stderr
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter() if use_json(settings.log_format, stream) else TextFormatter())
    handler.addFilter(_Context(component or os.path.basename(sys.argv[0]) or "booker"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    # aiohttp.access logs one record per request; AccessLogger below gives it fields.
    logging.getLogger("aiohttp.access").setLevel(logging.INFO)
    # aiosmtpd logs every SMTP command at INFO: keep the mail sink's output to one line a message.
    logging.getLogger("mail.log").setLevel(logging.DEBUG if root.level <= logging.DEBUG else logging.WARNING)


try:  # the access logger needs aiohttp, which every Booker install has; keep the import soft anyway
    from aiohttp.abc import AbstractAccessLogger
    from aiohttp.web import BaseRequest, StreamResponse

    class AccessLogger(AbstractAccessLogger):
        """`web.AppRunner(app, access_log_class=AccessLogger)`: one structured record per request."""

        def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
            self.logger.info(
                "%s %s %s", request.method, request.path, response.status,
                extra={"method": request.method, "path": request.path, "status": response.status,
                       "duration_ms": round(time * 1000, 2), "remote": request.remote,
                       "request_id": request.get("request_id") or response.headers.get("X-Request-ID")},
            )
except ImportError:  # pragma: no cover
    pass
