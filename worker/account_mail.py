"""Account emails (issue 14): the password-reset and email-verification messages.

Self-contained: a row of kind account_<purpose> carries {token_id, purpose, name, email,
expires_at}; the link's token is derived from token_id with BOOKER_SECRET
(booker/account_tokens.py), so the outbox never holds it. No calendar attachment.
"""

from __future__ import annotations

import datetime as dt
import html
import uuid
from email.utils import format_datetime, parseaddr
from typing import Any

from booker.account_tokens import PASSWORD_RESET, VERIFY_EMAIL, account_link
from worker.mime import address, header_value, quoted_printable

FOOTER = "Sent by Booker. This is an automatic message."
BUTTON = ("display:inline-block;padding:10px 16px;background:#1d4ed8;color:#fff;"
          "text-decoration:none;border-radius:6px")
ACCOUNT_KINDS = frozenset({"account_password_reset", "account_verify_email"})

COPY = {
    PASSWORD_RESET: (
        "Reset your Booker password",
        "Reset your password",
        "Hello {name}, someone (we hope you) asked to reset the password of your Booker account. "
        "The link below lets you choose a new one; it works once and expires at {expires}. "
        "Using it signs you out everywhere. If you did not ask, ignore this email: your password stays.",
        "Choose a new password",
    ),
    VERIFY_EMAIL: (
        "Confirm your email address for Booker",
        "Confirm your email address",
        "Hello {name}, please confirm that {email} is your address by opening the link below. "
        "It works once and expires at {expires}.",
        "Confirm my email address",
    ),
}


def compose_plain(headers: list[tuple[str, str]], text: str, body: str) -> bytes:
    """multipart/alternative (text and HTML, quoted-printable), without a calendar part."""
    boundary = f"=_booker_a_{uuid.uuid4().hex}"
    head = "".join(f"{name}: {header_value(value)}\r\n" for name, value in headers)
    head += f'MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary="{boundary}"\r\n\r\n'
    parts = [head.encode("ascii")]
    for content_type, content in (("text/plain", text), ("text/html", body)):
        parts.append(f'--{boundary}\r\nContent-Type: {content_type}; charset="utf-8"\r\n'
                     f"Content-Transfer-Encoding: quoted-printable\r\n\r\n".encode("ascii"))
        parts.append(quoted_printable(content))
    parts.append(f"--{boundary}--\r\n".encode("ascii"))
    return b"".join(parts)


def render_account(
    row: dict[str, Any], mail_from: str, public_url: str, secret: str, *, now: dt.datetime | None = None
) -> bytes:
    payload: dict[str, Any] = row["payload"]
    purpose = str(payload["purpose"])
    subject, heading, lead, button = COPY[purpose]
    expires = dt.datetime.fromisoformat(str(payload["expires_at"])).astimezone(dt.UTC)
    words = {"name": payload.get("name") or payload["email"], "email": payload["email"],
             "expires": f"{expires:%d %B %Y, %H:%M} UTC"}
    text_lead = lead.format(**words)
    url = account_link(public_url, secret, purpose, payload["token_id"])
    text = f"{heading}\n\n{text_lead}\n\n{button}: {url}\n\n-- \n{FOOTER}\n"
    e = html.escape
    body = f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{e(heading)}</title></head>
<body style="font-family:system-ui,sans-serif;color:#111;max-width:600px;margin:0 auto;padding:16px">
  <h1 style="font-size:20px">{e(heading)}</h1>
  <p>{e(text_lead)}</p>
  <p><a href="{e(url)}" style="{BUTTON}">{e(button)}</a></p>
  <p style="color:#777;font-size:12px">Sent by Booker. This is an automatic message.</p>
</body>
</html>
"""
    headers = [
        ("Subject", subject),
        ("From", address(*parseaddr(mail_from))),
        ("To", address(payload.get("name"), row["recipient"])),
        ("Date", format_datetime(now or dt.datetime.now(dt.UTC))),
        ("Message-ID", row["message_id"]),
        ("Auto-Submitted", "auto-generated"),
    ]
    return compose_plain(headers, text, body)
