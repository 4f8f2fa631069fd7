"""The development mail sink's messages, for admins (SPEC §7): GET /admin/mail lists the .eml
files `booker mail-sink` saved under settings.mail_dir, newest first; GET /admin/mail/{id}
returns one message's headers, text and HTML parts and attachment names.

Nothing here renders or runs a message: the HTML part is returned as a string, and the
admin page shows it only in a sandboxed iframe. Without the directory (no sink on this
machine, or production) the list is empty and every message is a 404. File reads run in a
thread, so a large directory never blocks the event loop.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.policy
import re
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser, BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from edge import db
from edge.auth import require_admin
from edge.errors import Problem, not_found
from edge.http import json_response, page_params, paginated

MESSAGE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
HEAD_BYTES = 64 * 1024  # the header block of a listed message is read, never its body
MAX_MESSAGE = 5 * 1024 * 1024  # a message shown in full


async def _admin_outside_production(request: web.Request) -> None:
    """The development mail viewer: admins only, and never in production (where mail goes to
    a real SMTP server and var/mail holds nothing anyone should read through the edge)."""
    await require_admin(request)
    if request.app[db.SETTINGS].environment == "production":
        raise Problem(404, "the development mail viewer is off in production (BOOKER_ENV=production)")


def _directory(request: web.Request) -> Path:
    return Path(request.app[db.SETTINGS].mail_dir)


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # a malformed header the policy cannot parse: show nothing rather than fail
        return ""
    return "" if value is None else str(value)


def _date(message: Message, fallback: float) -> str:
    try:
        at = parsedate_to_datetime(_header(message, "Date"))
    except (TypeError, ValueError):
        at = None
    if at is None or at.tzinfo is None:
        at = dt.datetime.fromtimestamp(fallback, dt.UTC)
    return at.isoformat()


def _summary(path: Path, size: int, mtime: float, message: Message) -> dict[str, Any]:
    return {
        "id": path.stem,
        "date": _date(message, mtime),
        "from": _header(message, "From"),
        "to": _header(message, "To"),
        "subject": _header(message, "Subject"),
        "size": size,
    }


def _files(directory: Path) -> list[tuple[Path, int, float]]:
    """(path, size, mtime) of every saved message, newest first."""
    if not directory.is_dir():
        return []
    found = []
    for path in directory.glob("*.eml"):
        try:
            st = path.lstat()
        except OSError:  # removed meanwhile
            continue
        if path.is_symlink() or not path.is_file() or not MESSAGE_ID.match(path.stem):
            continue
        found.append((path, st.st_size, st.st_mtime))
    found.sort(key=lambda f: (f[2], f[0].name), reverse=True)
    return found


def _list(directory: Path, page: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    files = _files(directory)
    out = []
    parser = BytesHeaderParser(policy=email.policy.default)
    for path, size, mtime in files[(page - 1) * limit : page * limit]:
        try:
            with path.open("rb") as fh:
                head = fh.read(HEAD_BYTES)
        except OSError:
            continue
        end = min((i for i in (head.find(b"\r\n\r\n"), head.find(b"\n\n")) if i >= 0), default=len(head))
        out.append(_summary(path, size, mtime, parser.parsebytes(head[:end])))
    return out, len(files)


def _read(directory: Path, message_id: str) -> dict[str, Any] | None:
    if not MESSAGE_ID.match(message_id) or not directory.is_dir():
        return None
    path = directory / f"{message_id}.eml"
    try:
        st = path.lstat()
        if path.is_symlink() or not path.is_file():
            return None
        with path.open("rb") as fh:
            raw = fh.read(MAX_MESSAGE)
    except OSError:
        return None
    message = BytesParser(policy=email.policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    out = _summary(path, st.st_size, st.st_mtime, message)
    out["headers"] = [[name, _header_value(message, name, value)] for name, value in message.raw_items()]
    out["text"] = _part(message, "plain")
    out["html"] = _part(message, "html")
    out["attachments"] = [
        {"filename": part.get_filename() or "", "content_type": part.get_content_type(),
         "size": len(part.get_payload(decode=True) or b"")}
        for part in message.iter_attachments() if isinstance(part, EmailMessage)
    ]
    out["truncated"] = st.st_size > MAX_MESSAGE
    return out


def _header_value(message: EmailMessage, name: str, raw: str) -> str:
    """A header as text (encoded words decoded, folding undone); the raw value if it is malformed."""
    try:
        value = str(message.policy.header_fetch_parse(name, raw))
    except Exception:  # any header the policy cannot parse is shown as received
        value = raw
    return " ".join(value.split())


def _part(message: EmailMessage, subtype: str) -> str | None:
    try:
        body = message.get_body(preferencelist=(subtype,))
        return None if body is None else str(body.get_content())
    except (LookupError, ValueError, KeyError):  # unknown charset or broken encoding
        return None


async def list_mail(request: web.Request) -> web.Response:
    await _admin_outside_production(request)
    page, limit = page_params(request, max_limit=200, default_limit=50)
    data, total = await asyncio.to_thread(_list, _directory(request), page, limit)
    return json_response(paginated(data, total, page, limit))


async def get_mail(request: web.Request) -> web.Response:
    await _admin_outside_production(request)
    message = await asyncio.to_thread(_read, _directory(request), request.match_info["id"])
    if message is None:
        raise not_found("message")
    return json_response(message)
