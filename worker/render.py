"""Rendering an outbox row into an email: a plain-text and an HTML part with the same
content, and the .ics invitation or cancellation.

Everything shown comes from the row's `payload`, the snapshot the database took when
the booking changed, so a retried or late message still tells what happened then.
Times are shown in the resource's time zone, with the zone's name and abbreviation.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from decimal import Decimal
from email.utils import format_datetime, parseaddr
from typing import Any
from zoneinfo import ZoneInfo

from booker.manage import manage_token
from booker.waitlist import offer_path
from worker import attendee
from worker.account_mail import ACCOUNT_KINDS, render_account
from worker.ics import build_ics, parse_instant
from worker.mime import address, compose


@dataclass(frozen=True)
class Copy:
    """What one kind of message says: subject, heading, and the first paragraph."""

    subject: str
    heading: str
    lead: str


# Placeholders: {service} {when} {date} {attendee} {provider} {reference}
COPY: dict[str, Copy] = {
    "customer_confirmed": Copy(
        "Confirmed: {service} on {date}",
        "Your booking is confirmed",
        "Thank you, {attendee}. Your booking is confirmed; the details are below and the "
        "attached invitation adds it to your calendar.",
    ),
    "customer_pending": Copy(
        "Request received: {service} on {date}",
        "We have received your request",
        "Thank you, {attendee}. {provider} will confirm your request; you will get another "
        "email as soon as they do. The time is reserved for you meanwhile.",
    ),
    "customer_approved": Copy(
        "Approved: {service} on {date}",
        "Your booking is approved",
        "Good news, {attendee}: {provider} has approved your request. The attached invitation "
        "adds it to your calendar.",
    ),
    "customer_declined": Copy(
        "Declined: {service} on {date}",
        "Your request was declined",
        "Sorry, {attendee}: {provider} could not accept your request, and the time is no "
        "longer reserved for you.",
    ),
    "customer_rescheduled": Copy(
        "Rescheduled: {service}, now on {date}",
        "Your booking has moved",
        "{attendee}, your booking has a new time or place; the attached invitation updates your calendar.",
    ),
    "customer_cancelled": Copy(
        "Cancelled: {service} on {date}",
        "Your booking is cancelled",
        "{attendee}, your booking has been cancelled; the attached cancellation removes it from "
        "your calendar.",
    ),
    "customer_reminder": Copy(
        "Reminder: {service} on {date}",
        "Your booking is coming up",
        "{attendee}, this is a reminder of your booking; the details are below.",
    ),
    "provider_new": Copy(
        "New booking: {service} on {date} with {attendee}", "New booking", "{attendee} has booked {service}."
    ),
    "provider_rescheduled": Copy(
        "Rescheduled: {service}, now on {date} with {attendee}",
        "Booking moved",
        "{attendee}'s booking of {service} has a new time or place; the attached invitation updates "
        "your calendar.",
    ),
    "provider_cancelled": Copy(
        "Cancelled: {service} on {date} with {attendee}",
        "Booking cancelled",
        "{attendee}'s booking of {service} has been cancelled; the time is free again.",
    ),
}
# A waitlist offer (issue 16): no calendar attachment (it is not a booking yet); the link opens
# the offer page, whose button books the held seat.
COPY["waitlist_offer"] = Copy(
    "A seat is free: {service} on {date}",
    "A seat is free for you",
    "Good news, {attendee}: a seat you were waiting for is free, and we hold it for you until {until}. "
    "Book it with the button below; if you do not, it goes to the next person in line.",
)
NO_CALENDAR = frozenset({"waitlist_offer"})
PENDING_PROVIDER = Copy(
    "Please confirm: {service} on {date} with {attendee}",
    "New request to confirm",
    "{attendee} has requested {service}. Please confirm or decline it: the buttons below work "
    "without signing in, once, for 7 days (or until the start).",
)


EN_DASH = "\u2013"


def local_time(value: str, zone: str) -> dt.datetime:
    return parse_instant(value).astimezone(ZoneInfo(zone))


def format_day(at: dt.datetime) -> str:
    return f"{at:%A}, {at.day} {at:%B %Y}"


def format_span(starts_at: str, ends_at: str, zone: str) -> str:
    """'Monday, 23 November 2026, 10:00-10:30 CET (Europe/Berlin)', with an en dash."""
    start, end = local_time(starts_at, zone), local_time(ends_at, zone)
    until = f"{end:%H:%M}" if end.date() == start.date() else f"{format_day(end)}, {end:%H:%M}"
    if end.tzname() != start.tzname():
        until += f" {end.tzname()}"
    return f"{format_day(start)}, {start:%H:%M}{EN_DASH}{until} {start.tzname()} ({zone})"


def format_price(amount: Any, currency: str) -> str:
    return f"{Decimal(str(amount)):.2f} {currency}"


def links(kind: str, payload: dict[str, Any], public_url: str, secret: str,
          now: dt.datetime | None = None) -> list[tuple[str, str]]:
    """(label, URL) pairs. A guest's link carries the booking's manage token, derived from the
    booking id with BOOKER_SECRET exactly as the edge derives it (booker/manage.py)."""
    base = public_url.rstrip("/")
    if kind == "waitlist_offer":
        return [("Book this seat", base + offer_path(secret, payload["booking_id"]))]
    if kind.startswith("provider_"):
        return provider_links(payload, base)
    if kind in ("customer_cancelled", "customer_declined"):
        return [("Book again", f"{base}/book/{payload['service_slug']}")]
    label = attendee.manage_label(kind, payload, now or dt.datetime.now(dt.UTC))
    if payload.get("guest"):
        booking_id = payload["booking_id"]
        token = manage_token(secret, booking_id)
        return [(label, f"{base}/book/manage/{booking_id}?token={token}")]
    return [(label, f"{base}/me")]


def provider_links(payload: dict[str, Any], base: str) -> list[tuple[str, str]]:
    """The provider's workspace, and, in a "please confirm" message, the signed links to the
    confirm and decline pages that api.claim_notifications put in the payload (each opens a
    page with a button: nothing changes on opening a link)."""
    actions = payload.get("actions") or {}
    out = [(label, f"{base}/provider/{action}?token={actions[action]}")
           for label, action in (("Confirm", "confirm"), ("Decline", "decline")) if actions.get(action)]
    return [*out, ("Your bookings", f"{base}/provider")]


def details(kind: str, payload: dict[str, Any], now: dt.datetime | None = None) -> list[tuple[str, str]]:
    zone = attendee.display_zone(kind, payload)  # the booker's zone or the provider's
    rows = [
        ("Reference", payload["reference"]),
        ("What", payload["service_name"]),
        ("With", payload["resource_name"]),
        ("When", format_span(payload["starts_at"], payload["ends_at"], zone)),
    ]
    if kind.endswith("_rescheduled") and payload.get("old_starts_at") and payload.get("old_ends_at"):
        rows.append(("Previously", format_span(payload["old_starts_at"], payload["old_ends_at"], zone)))
    if payload.get("location"):
        rows.append(("Where", payload["location"]))
    if kind == "waitlist_offer" and payload.get("offer_expires_at"):
        until = local_time(payload["offer_expires_at"], zone)
        rows.append(("Held until", f"{format_day(until)}, {until:%H:%M} {until.tzname()}"))
    if (payload.get("seats") or 1) > 1:
        rows.append(("Seats", str(payload["seats"])))
    if payload.get("price") and Decimal(str(payload["price"])) > 0:
        rows.append(("Price", format_price(payload["price"], payload.get("currency") or "EUR")))
    if kind.startswith("provider_"):
        customer = f"{payload.get('attendee_name') or ''} <{payload.get('attendee_email')}>"
        rows.append(("Customer", customer.strip()))
        if payload.get("notes"):
            rows.append(("Notes", payload["notes"]))
        rows += answer_rows(payload)
    cutoff = attendee.cutoff_row(kind, payload, zone, now or dt.datetime.now(dt.UTC))
    if cutoff:
        rows.append(cutoff)
    if payload.get("reason") and kind in ("customer_cancelled", "customer_declined", "provider_cancelled"):
        rows.append(("Reason", payload["reason"]))
    return rows


def answer_rows(payload: dict[str, Any]) -> list[tuple[str, str]]:
    """The answers to the service's booking questions (issue 14), one row each."""
    answers = payload.get("answers")
    if not isinstance(answers, list):
        return []
    return [(str(a.get("label")), "yes" if a.get("answer") is True else str(a.get("answer")))
            for a in answers if isinstance(a, dict) and a.get("answer") not in (None, False, "")]


def copy_for(kind: str, payload: dict[str, Any]) -> Copy:
    if kind == "provider_new" and payload.get("status") == "pending":
        return PENDING_PROVIDER
    return COPY[kind]


def render_text(copy: Copy, lead: str, rows: list[tuple[str, str]], urls: list[tuple[str, str]]) -> str:
    width = max(len(label) for label, _ in rows)
    lines = [copy.heading, "", lead, ""]
    lines += [f"{label + ':':<{width + 1}} {value}" for label, value in rows]
    lines.append("")
    lines += [f"{label}: {url}" for label, url in urls]
    lines += ["", "-- ", "Sent by Booker. This is an automatic message."]
    return "\n".join(lines) + "\n"


def render_html(copy: Copy, lead: str, rows: list[tuple[str, str]], urls: list[tuple[str, str]]) -> str:
    e = html.escape
    table = "\n".join(
        f'    <tr><th scope="row" style="text-align:left;padding:4px 12px 4px 0;color:#555">{e(label)}</th>'
        f'<td style="padding:4px 0">{e(value)}</td></tr>'
        for label, value in rows
    )
    buttons = "\n".join(
        f'  <p><a href="{e(url)}" style="display:inline-block;padding:10px 16px;background:#1d4ed8;'
        f'color:#fff;text-decoration:none;border-radius:6px">{e(label)}</a></p>'
        for label, url in urls
    )
    return f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{e(copy.heading)}</title></head>
<body style="font-family:system-ui,sans-serif;color:#111;max-width:600px;margin:0 auto;padding:16px">
  <h1 style="font-size:20px">{e(copy.heading)}</h1>
  <p>{e(lead)}</p>
  <table role="presentation" style="border-collapse:collapse">
{table}
  </table>
{buttons}
  <p style="color:#777;font-size:12px">Sent by Booker. This is an automatic message.</p>
</body>
</html>
"""


def render(
    row: dict[str, Any], mail_from: str, public_url: str, secret: str, *, now: dt.datetime | None = None
) -> bytes:
    """The complete message, as sent, for one notification_log row (a dict of its columns)."""
    kind: str = row["kind"]
    if kind in ACCOUNT_KINDS:  # password reset, email verification (worker/account_mail.py)
        return render_account(row, mail_from, public_url, secret, now=now)
    payload: dict[str, Any] = row["payload"]
    copy = copy_for(kind, payload)
    zone = attendee.display_zone(kind, payload)
    start = local_time(payload["starts_at"], zone)
    words = {
        "service": payload["service_name"],
        "date": f"{format_day(start)}, {start:%H:%M} {start.tzname()}",
        "attendee": payload.get("attendee_name") or payload.get("attendee_email") or "customer",
        "provider": payload.get("provider_name") or payload["resource_name"],
        "reference": payload["reference"],
        "until": "",
    }
    if payload.get("offer_expires_at"):
        until = local_time(payload["offer_expires_at"], payload["timezone"])
        words["until"] = f"{until:%H:%M} {until.tzname()} on {format_day(until)}"
    lead = copy.lead.format(**words)
    rows = details(kind, payload, now)
    urls = links(kind, payload, public_url, secret, now)
    text = render_text(copy, lead, rows, urls)

    name = payload.get("provider_name") if kind.startswith("provider_") else payload.get("attendee_name")
    headers = [
        ("Subject", f"{copy.subject.format(**words)} [{payload['reference']}]"),
        ("From", address(*parseaddr(mail_from))),
        ("To", address(name, row["recipient"])),
        ("Date", format_datetime(now or dt.datetime.now(dt.UTC))),
        ("Message-ID", row["message_id"]),
        ("Auto-Submitted", "auto-generated"),
        ("X-Booker-Reference", payload["reference"]),
    ]
    summary = (f"{copy.heading}. Reference {payload['reference']}.\n"
               f"When: {format_span(payload['starts_at'], payload['ends_at'], zone)}"
               + "".join(f"\n{u}" for _, u in urls))
    method, ics = build_ics(kind, payload, mail_from, description=summary, now=now)
    return compose(
        headers,
        text,
        render_html(copy, lead, rows, urls),
        None if kind in NO_CALENDAR else ics.decode("utf-8"),
        method,
        "cancel.ics" if method == "CANCEL" else "invite.ics",
    )
