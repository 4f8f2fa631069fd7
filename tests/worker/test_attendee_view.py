"""Issue 14 in the emails, through a real SMTP sink: the attendee's messages and invitation
text show the booker's zone, the provider's the provider's (her profile's, else the
resource's); "Manage or cancel" is offered only while cancelling online is open."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from icalendar import Calendar

from booker import demo
from tests.worker.conftest import GUEST, SinkServer, book, make_worker, slots, user_id


async def drain(app_db_url: str, sink: SinkServer) -> None:
    await make_worker(app_db_url, sink.port).run(until_idle=True)


def description(received: Any) -> str:
    cal = Calendar.from_ical(received.part("text/calendar").get_content())
    [event] = list(cal.walk("VEVENT"))
    return str(event.get("description"))


async def test_the_member_reads_berlin_time_and_the_provider_new_york_time(
    owner: psycopg.Connection[Any], app_db_url: str, sink: SinkServer
) -> None:
    member = user_id(owner, demo.MEMBER_EMAIL)
    at = slots(owner, "expert-call")[0]["starts_at"]  # Cara, America/New_York
    booking = book(owner, "expert-call", at, attendee={"timezone": "Europe/Berlin"}, user=member)
    assert booking["attendee_timezone"] == "Europe/Berlin"
    await drain(app_db_url, sink)
    [mine] = sink.handler.to(demo.MEMBER_EMAIL)
    [cara] = sink.handler.to("cara@example.com")
    berlin = at.astimezone(ZoneInfo("Europe/Berlin"))
    new_york = at.astimezone(ZoneInfo("America/New_York"))
    assert f"{berlin:%H:%M} {berlin.tzname()}" in str(mine.message["Subject"])
    assert f"{berlin:%H:%M}" in mine.text() and "(Europe/Berlin)" in mine.text()
    assert "America/New_York" not in mine.text()
    assert f"When: {berlin:%A}" in description(mine) and "(Europe/Berlin)" in description(mine)
    assert f"{new_york:%H:%M} {new_york.tzname()}" in str(cara.message["Subject"])
    assert "(America/New_York)" in cara.text() and "(Europe/Berlin)" not in cara.text()
    # the 24-hour cutoff of expert-call is said, in the member's zone
    assert "Online until" in mine.text() or "No longer possible online" in mine.text()


async def test_a_provider_with_a_zone_in_her_profile_reads_her_emails_in_it(
    owner: psycopg.Connection[Any], app_db_url: str, sink: SinkServer
) -> None:
    # Cara's resource is in New York; she works from Los Angeles and says so in her profile
    owner.execute("UPDATE booking.users SET time_zone = 'America/Los_Angeles'"
                  " WHERE email = 'cara@example.com'")
    member = user_id(owner, demo.MEMBER_EMAIL)
    at = slots(owner, "expert-call")[0]["starts_at"]
    book(owner, "expert-call", at, attendee={"timezone": "Europe/Berlin"}, user=member)
    await drain(app_db_url, sink)
    [mine] = sink.handler.to(demo.MEMBER_EMAIL)
    [cara] = sink.handler.to("cara@example.com")
    los_angeles = at.astimezone(ZoneInfo("America/Los_Angeles"))
    assert f"{los_angeles:%H:%M} {los_angeles.tzname()}" in str(cara.message["Subject"])
    assert "(America/Los_Angeles)" in cara.text() and "(America/New_York)" not in cara.text()
    assert f"When: {los_angeles:%A}" in description(cara) and "(America/Los_Angeles)" in description(cara)
    assert "(Europe/Berlin)" in mine.text() and "America/Los_Angeles" not in mine.text()  # the member's own


async def test_manage_or_cancel_only_while_cancelling_is_open(
    owner: psycopg.Connection[Any], app_db_url: str, sink: SinkServer
) -> None:
    tomorrow = [s["starts_at"] for s in slots(owner, "meeting-room")
                if s["starts_at"] > dt.datetime.now(dt.UTC) + dt.timedelta(days=1)]
    owner.execute("UPDATE booking.services SET cancellation_cutoff_minutes = 60 WHERE slug = 'meeting-room'")
    book(owner, "meeting-room", tomorrow[0])
    # a cutoff longer than the time left: cancelling online is closed as soon as it is booked
    owner.execute("UPDATE booking.services SET cancellation_cutoff_minutes = 43200"
                  " WHERE slug = 'meeting-room'")
    book(owner, "meeting-room", tomorrow[1], attendee={"name": "Late", "email": "late@example.net"})
    await drain(app_db_url, sink)
    [open_] = sink.handler.to(GUEST["email"])
    [closed] = sink.handler.to("late@example.net")
    assert "Manage or cancel this booking" in open_.text() and "Online until" in open_.text()
    assert "Manage or cancel" not in closed.text() and "Manage or cancel" not in description(closed)
    assert "View this booking" in closed.text()
    assert "No longer possible online" in closed.text()
