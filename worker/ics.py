"""The calendar attachment (RFC 5545 / iTIP) of a notification.

One event per booking: UID `<booking id>@booker` is the same in every message about
that booking, and SEQUENCE is the booking's version, which the database bumps on every
change, so a calendar client replaces the event it already has. New, approved and
rescheduled bookings are METHOD:REQUEST; cancellations and declines are METHOD:CANCEL.
Times are written in UTC, which every client converts to its own zone.
An invitation carries one VALARM per reminder offset of the service (payload
reminder_offsets, minutes before the start; one day when the payload does not say).
"""

from __future__ import annotations

import datetime as dt
from email.utils import parseaddr
from typing import Any

from icalendar import Alarm, Calendar, Event, vCalAddress, vText

PRODID = "-//Booker//Booker booking engine//EN"

CANCEL_KINDS = frozenset({"customer_cancelled", "customer_declined", "provider_cancelled"})


def method_for(kind: str) -> str:
    return "CANCEL" if kind in CANCEL_KINDS else "REQUEST"


def uid_for(booking_id: str) -> str:
    return f"{booking_id}@booker"


def parse_instant(value: str) -> dt.datetime:
    """A timestamptz as PostgreSQL renders it in JSON, as an aware UTC datetime."""
    return dt.datetime.fromisoformat(value).astimezone(dt.UTC)


DEFAULT_REMINDER_OFFSETS = (1440,)


def alarms(payload: dict[str, Any]) -> list[Alarm]:
    """A display alarm per reminder offset (minutes before the start)."""
    offsets = payload.get("reminder_offsets")
    if not isinstance(offsets, list):
        offsets = list(DEFAULT_REMINDER_OFFSETS)
    out = []
    for minutes in offsets:
        if isinstance(minutes, int) and not isinstance(minutes, bool) and minutes > 0:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"Reminder: {payload['service_name']}")
            alarm.add("trigger", dt.timedelta(minutes=-minutes))
            out.append(alarm)
    return out


def _address(email: str, name: str | None, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = vText(name)
    for key, value in params.items():
        address.params[key.upper().replace("_", "-")] = value
    return address


def build_ics(
    kind: str,
    payload: dict[str, Any],
    mail_from: str,
    *,
    description: str = "",
    now: dt.datetime | None = None,
) -> tuple[str, bytes]:
    """Return (METHOD, the serialised VCALENDAR) for one outbox row."""
    method = method_for(kind)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)

    event = Event()
    event.add("uid", uid_for(payload["booking_id"]))
    event.add("sequence", int(payload.get("sequence") or 0))
    event.add("dtstamp", (now or dt.datetime.now(dt.UTC)).replace(microsecond=0))
    event.add("dtstart", parse_instant(payload["starts_at"]))
    event.add("dtend", parse_instant(payload["ends_at"]))
    event.add("summary", f"{payload['service_name']} ({payload['reference']})")
    if payload.get("location"):
        event.add("location", payload["location"])
    if description:
        event.add("description", description)
    if method == "CANCEL":
        event.add("status", "CANCELLED")
    else:
        event.add("status", "TENTATIVE" if payload.get("status") == "pending" else "CONFIRMED")
        for alarm in alarms(payload):
            event.add_component(alarm)

    organizer_name, organizer_email = parseaddr(mail_from)
    event.add("organizer", _address(organizer_email, organizer_name or "Booker"))
    if payload.get("attendee_email"):
        event.add(
            "attendee",
            _address(
                payload["attendee_email"],
                payload.get("attendee_name"),
                role="REQ-PARTICIPANT",
                partstat="ACCEPTED",
                rsvp="FALSE",
            ),
        )
    if payload.get("provider_email"):
        event.add(
            "attendee",
            _address(
                payload["provider_email"],
                payload.get("provider_name"),
                role="CHAIR",
                partstat="ACCEPTED",
                rsvp="FALSE",
            ),
        )
    cal.add_component(event)
    return method, cal.to_ical()


# -- subscription feeds (issue 16) -----------------------------------------------------------

FEED_STATUS = {"pending": "TENTATIVE", "confirmed": "CONFIRMED", "cancelled": "CANCELLED",
               "declined": "CANCELLED"}


def build_feed(name: str, events: list[dict[str, Any]], *, now: dt.datetime | None = None) -> bytes:
    """A calendar subscription (.ics, no METHOD: a published calendar, RFC 5545) of the
    events api.calendar_feed lists, by the invitations' rules: UID `<booking id>@booker`,
    SEQUENCE the booking's version, STATUS TENTATIVE / CONFIRMED / CANCELLED, times in UTC,
    the same SUMMARY and LOCATION. A client that has the emailed invitation sees the
    same event, updated when the SEQUENCE is higher."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", dt.timedelta(minutes=15), parameters={"VALUE": "DURATION"})
    stamp = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    for e in events:
        event = Event()
        event.add("uid", uid_for(e["id"]))
        event.add("sequence", int(e.get("sequence") or 0))
        event.add("dtstamp", stamp)
        event.add("last-modified", parse_instant(e["updated_at"]).replace(microsecond=0))
        event.add("dtstart", parse_instant(e["starts_at"]))
        event.add("dtend", parse_instant(e["ends_at"]))
        event.add("summary", f"{e['service_name']} ({e['reference']})")
        if e.get("location"):
            event.add("location", e["location"])
        if e.get("attendee_name"):
            seats = e.get("seats") or 1
            event.add("description", f"{e['attendee_name']}, {seats} seat(s), {e['resource_name']}")
        event.add("status", FEED_STATUS.get(e["status"], "CONFIRMED"))
        cal.add_component(event)
    return bytes(cal.to_ical())
