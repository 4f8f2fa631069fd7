"""The wire format of a notification: one fixed MIME structure, written directly.

    multipart/mixed
      multipart/alternative
        text/plain; charset=utf-8   (quoted-printable)
        text/html; charset=utf-8    (quoted-printable)
      text/calendar; method=...     (quoted-printable, attachment invite.ics / cancel.ics)

The standard library's email package builds the same bytes but spends most of its
time re-parsing and re-folding headers (several milliseconds per message, the largest
cost of the whole worker), so the worker writes this one shape itself: parts in
quoted-printable (binascii, in C), non-ASCII header values as RFC 2047 encoded words,
CRLF line ends. The messages are parsed back with the email package in the tests.
"""

from __future__ import annotations

import binascii
import uuid
from email.header import Header
from email.utils import formataddr


def header_value(value: str) -> str:
    """A header value as ASCII: RFC 2047 encoded words when it has anything else."""
    clean = " ".join(value.split())  # no CR/LF can smuggle in another header
    return clean if clean.isascii() else Header(clean, "utf-8").encode(linesep="\r\n")


def address(display_name: str | None, addr_spec: str) -> str:
    return formataddr((" ".join((display_name or "").split()), addr_spec), charset="utf-8")


def quoted_printable(text: str) -> bytes:
    crlf = "\r\n".join(text.splitlines()) + "\r\n"
    return binascii.b2a_qp(crlf.encode("utf-8"), istext=True)


def _part(content_type: str, body: str, extra: str = "") -> bytes:
    head = f"Content-Type: {content_type}\r\nContent-Transfer-Encoding: quoted-printable\r\n{extra}\r\n"
    return head.encode("ascii") + quoted_printable(body)


def compose(
    headers: list[tuple[str, str]], text: str, html: str, ics: str | None, method: str, filename: str
) -> bytes:
    """The message as sent: headers (name, value) first, then the three parts (two without
    an .ics: a waitlist offer is not in anyone's calendar yet)."""
    # "=_" cannot occur in quoted-printable text, so the boundaries cannot either.
    token = uuid.uuid4().hex
    outer, inner = f"=_booker_m_{token}", f"=_booker_a_{token}"
    head = "".join(f"{name}: {header_value(value)}\r\n" for name, value in headers)
    head += f'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="{outer}"\r\n\r\n'
    return b"".join(
        [
            head.encode("ascii"),
            f'--{outer}\r\nContent-Type: multipart/alternative; boundary="{inner}"\r\n\r\n'.encode("ascii"),
            f"--{inner}\r\n".encode("ascii"),
            _part('text/plain; charset="utf-8"', text),
            f"--{inner}\r\n".encode("ascii"),
            _part('text/html; charset="utf-8"', html),
            f"--{inner}--\r\n".encode("ascii"),
            *(() if ics is None else (
                f"--{outer}\r\n".encode("ascii"),
                _part(
                    f'text/calendar; charset="utf-8"; method={method}',
                    ics,
                    f'Content-Disposition: attachment; filename="{filename}"\r\n',
                ),
            )),
            f"--{outer}--\r\n".encode("ascii"),
        ]
    )
