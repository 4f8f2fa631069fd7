"""What the customer and the provider receive for each change of a booking, through a
real SMTP server: recipients, Message-ID, local times, links and the .ics invitation."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from icalendar import Calendar

from tests.worker.conftest import (
    GUEST,
    PUBLIC_URL,
    Received,
    SinkServer,
    book,
    make_worker,
    outbox,
    slots,
    user_id,
)

BERLIN = ZoneInfo("Europe/Berlin")


def ics_of(received: Received) -> tuple[Calendar, Any]:
    part = received.part("text/calendar")
    cal = Calendar.from_ical(part.get_content())
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1
    return cal, events[0]


def utc(value: Any) -> dt.datetime:
    """An icalendar date-time property as an aware datetime, checking that it is in UTC."""
    at = value.dt
    assert at.utcoffset() == dt.timedelta(0), f"{at} is not in UTC"
    return at


async def drain(app_db_url: str, sink: SinkServer) -> None:
    await make_worker(app_db_url, sink.port).run(until_idle=True)


async def test_a_guest_booking_sends_a_confirmation_and_a_provider_notice(
    owner: psycopg.Connection[Any], app_db_url: str, sink: SinkServer
) -> None:
    slot = slots(owner, "consultation")[0]
    booking = book(owner, "consultation", slot["starts_at"])
    provider = owner.execute(
        "SELECT u.email FROM booking.resources r JOIN booking.users u ON u.id = r.owner_id WHERE r.id = %s",
        (booking["resource_id"],),
    ).fetchone()["email"]

    await drain(app_db_url, sink)

    rows = {r["kind"]: r for r in outbox(owner)}
    assert set(rows) == {"customer_confirmed", "provider_new"}
    assert all(r["status"] == "sent" and r["sent_at"] and r["attempts"] == 1 for r in rows.values())
    [customer] = sink.handler.to(GUEST["email"])
    [notice] = sink.handler.to(provider)
    assert len(sink.handler.received) == 2
    assert customer.message_id == rows["customer_confirmed"]["message_id"]
    assert notice.message_id == rows["provider_new"]["message_id"]
    assert customer.mail_from == "bookings@booker.test"

    local = booking["starts_at"].astimezone(BERLIN)
    text = customer.text()
    assert booking["reference"] in str(customer.message["Subject"])
    assert booking["reference"] in text
    assert f"{local:%H:%M}" in text and "(Europe/Berlin)" in text and local.tzname() in text
    assert f"{PUBLIC_URL}/book/manage/{booking['id']}" in text
    html = customer.part("text/html").get_content()
    assert booking["reference"] in html and f"/book/manage/{booking['id']}" in html
    assert "Gina Guest" in notice.text() and GUEST["email"] in notice.text()

    for received in (customer, notice):
        cal, event = ics_of(received)
        assert str(cal["METHOD"]) == "REQUEST"
        assert str(event["UID"]) == f"{booking['id']}@booker"
        assert int(event["SEQUENCE"]) == 1
        assert utc(event["DTSTART"]) == booking["starts_at"]
        assert utc(event["DTEND"]) == booking["ends_at"]
        assert str(event["STATUS"]) == "CONFIRMED"
        assert "bookings@booker.test" in str(event["ORGANIZER"])
        attendees = {str(a).lower() for a in event.get("ATTENDEE")}
        assert f"mailto:{GUEST['email']}" in attendees and f"mailto:{provider}" in attendees
        assert "Consultation" in str(event["SUMMARY"]) and str(event["LOCATION"])


async def test_a_reschedule_and_a_cancellation(
    owner: psycopg.Connection[Any], app_db_url: str, sink: SinkServer
) -> None:
    free = slots(owner, "consultation")
    booking = book(owner, "consultation", free[0]["starts_at"])
    await drain(app_db_url, sink)
    assert len(sink.handler.received) == 2

    later = next(s for s in free[4:] if booking["resource_id"] in s["resource_ids"])
    moved = owner.execute(
        "SELECT * FROM api.reschedule_booking(%s, %s, NULL)", (booking["id"], later["starts_at"])
    ).fetchone()
    await drain(app_db_url, sink)
    # the customer and the provider (SPEC §5) are both told, each with the updated invitation
    rescheduled = sorted(sink.handler.received[2:], key=lambda r: r.rcpt_tos != [GUEST["email"]])
    assert [r.rcpt_tos for r in rescheduled] == [[GUEST["email"]], [rescheduled_provider(owner, moved)]]
    old, new = booking["starts_at"].astimezone(BERLIN), moved["starts_at"].astimezone(BERLIN)
    for received in rescheduled:
        assert str(received.message["Subject"]).startswith("Rescheduled")
        text = received.text()
        assert f"Previously: {old:%A}, {old.day} {old:%B %Y}, {old:%H:%M}" in text.replace("  ", " ")
        assert f"{new:%A}, {new.day} {new:%B %Y}, {new:%H:%M}" in text
        cal, event = ics_of(received)
        assert str(cal["METHOD"]) == "REQUEST"
        assert str(event["UID"]) == f"{booking['id']}@booker"
        assert int(event["SEQUENCE"]) == 2
        assert utc(event["DTSTART"]) == moved["starts_at"] and utc(event["DTEND"]) == moved["ends_at"]
    assert "Gina Guest" in rescheduled[1].text() and GUEST["email"] in rescheduled[1].text()
    assert f"{PUBLIC_URL}/provider" in rescheduled[1].text()  # a provider's workspace (issue 13)

    owner.execute("SELECT api.cancel_booking(%s, NULL, 'Feeling better')", (booking["id"],))
    await drain(app_db_url, sink)
    cancelled = sink.handler.received[4:]
    recipients = sorted(r.rcpt_tos[0] for r in cancelled)
    assert recipients == sorted([GUEST["email"], rescheduled_provider(owner, moved)])
    for received in cancelled:
        assert str(received.message["Subject"]).startswith("Cancelled")
        assert "Feeling better" in received.text()
        cal, event = ics_of(received)
        assert str(cal["METHOD"]) == "CANCEL"
        assert str(event["UID"]) == f"{booking['id']}@booker"
        assert int(event["SEQUENCE"]) == 3
        assert str(event["STATUS"]) == "CANCELLED"
        assert utc(event["DTSTART"]) == moved["starts_at"]
    assert f"{PUBLIC_URL}/book/consultation" in sink.handler.to(GUEST["email"])[-1].text()
    assert len({r.message_id for r in sink.handler.received}) == 6


def rescheduled_provider(conn: psycopg.Connection[Any], booking: dict[str, Any]) -> str:
    row = conn.execute(
        "SELECT u.email FROM booking.resources r JOIN booking.users u ON u.id = r.owner_id WHERE r.id = %s",
        (booking["resource_id"],),
    ).fetchone()
    return str(row["email"])


async def test_requests_that_need_confirmation(
    owner: psycopg.Connection[Any], app_db_url: str, sink: SinkServer
) -> None:
    member = user_id(owner, "member@example.com")
    free = slots(owner, "expert-call", days=30)
    first = book(owner, "expert-call", free[0]["starts_at"], attendee={}, user=member)
    second = book(owner, "expert-call", free[1]["starts_at"], attendee={}, user=member)
    await drain(app_db_url, sink)
    to_member = sink.handler.to("member@example.com")
    to_cara = sink.handler.to("cara@example.com")
    assert [str(r.message["Subject"]).split(":")[0] for r in to_member] == ["Request received"] * 2
    assert [str(r.message["Subject"]).split(":")[0] for r in to_cara] == ["Please confirm"] * 2
    assert str(ics_of(to_member[0])[1]["STATUS"]) == "TENTATIVE"
    assert "(America/New_York)" in to_member[0].text()
    assert f"{PUBLIC_URL}/me" in to_member[0].text()  # a member manages bookings from their page
    # Cara's request carries signed links to the confirm and decline pages, and points her to
    # her workspace, not /me (issue 13); opening a link changes nothing.
    text = "".join(r.text() for r in to_cara)
    assert f"Your bookings: {PUBLIC_URL}/provider\r\n" in text and f"{PUBLIC_URL}/me" not in text
    for action in ("confirm", "decline"):
        link = re.search(rf"{PUBLIC_URL}/provider/{action}\?token=({first['id']}\.{action}\.\S+)", text)
        assert link, (action, text)
        state = owner.execute("SELECT api.email_action(%s) AS v", (link[1],)).fetchone()
        assert state and state["v"]["state"] == "open" and state["v"]["booking"]["status"] == "pending"

    cara = user_id(owner, "cara@example.com")
    owner.execute("SELECT api.confirm_booking(%s, %s)", (first["id"], cara))
    owner.execute("SELECT api.decline_booking(%s, %s, 'Fully booked that week')", (second["id"], cara))
    await drain(app_db_url, sink)
    approved, declined = sorted(
        sink.handler.to("member@example.com")[2:], key=lambda r: str(r.message["Subject"])
    )
    assert str(approved.message["Subject"]).startswith("Approved")
    assert str(ics_of(approved)[0]["METHOD"]) == "REQUEST"
    assert int(ics_of(approved)[1]["SEQUENCE"]) == 2 and str(ics_of(approved)[1]["STATUS"]) == "CONFIRMED"
    assert str(declined.message["Subject"]).startswith("Declined")
    assert "Fully booked that week" in declined.text()
    assert str(ics_of(declined)[0]["METHOD"]) == "CANCEL"
    assert str(ics_of(declined)[1]["UID"]) == f"{second['id']}@booker"
    # providers hear of new bookings and cancellations only
    assert len(sink.handler.to("cara@example.com")) == 2


def next_dst_change(zone: ZoneInfo, after: dt.date) -> dt.date:
    day = after
    while True:
        nxt = day + dt.timedelta(days=1)
        if (
            dt.datetime.combine(nxt, dt.time(12), zone).utcoffset()
            != dt.datetime.combine(day, dt.time(12), zone).utcoffset()
        ):
            return nxt
        day = nxt


def weekday_near(day: dt.date, step: int) -> dt.date:
    while day.isoweekday() > 5:
        day += dt.timedelta(days=step)
    return day


async def test_ics_times_across_a_dst_change(
    owner: psycopg.Connection[Any], app_db_url: str, sink: SinkServer
) -> None:
    change = next_dst_change(BERLIN, dt.date.today() + dt.timedelta(days=3))
    before = weekday_near(change - dt.timedelta(days=2), -1)
    after = weekday_near(change + dt.timedelta(days=1), 1)
    owner.execute(
        "UPDATE booking.services SET max_advance_days = %s WHERE slug = 'consultation'",
        ((after - dt.date.today()).days + 10,),
    )
    start_before = dt.datetime.combine(before, dt.time(10), BERLIN)
    start_after = dt.datetime.combine(after, dt.time(10), BERLIN)
    assert start_before.utcoffset() != start_after.utcoffset()

    booking = book(owner, "consultation", start_before)
    owner.execute("SELECT api.reschedule_booking(%s, %s, NULL)", (booking["id"], start_after))
    await drain(app_db_url, sink)

    to_guest = sink.handler.to(GUEST["email"])
    confirmed = next(r for r in to_guest if "Confirmed" in str(r.message["Subject"]))
    rescheduled = next(r for r in to_guest if "Rescheduled" in str(r.message["Subject"]))
    event_before, event_after = ics_of(confirmed)[1], ics_of(rescheduled)[1]
    assert utc(event_before["DTSTART"]) == start_before.astimezone(dt.UTC)
    assert utc(event_after["DTSTART"]) == start_after.astimezone(dt.UTC)
    assert utc(event_after["DTEND"]) == (start_after + dt.timedelta(minutes=30)).astimezone(dt.UTC)
    # The same 10:00 wall-clock time is a different UTC hour on either side of the change.
    assert utc(event_before["DTSTART"]).hour != utc(event_after["DTSTART"]).hour
    assert f"10:00{chr(0x2013)}10:30 {start_before.tzname()} (Europe/Berlin)" in confirmed.text()
    assert f"10:00{chr(0x2013)}10:30 {start_after.tzname()} (Europe/Berlin)" in rescheduled.text()


async def test_nothing_is_sent_for_a_rolled_back_booking(
    demo_url: str, owner: psycopg.Connection[Any], app_db_url: str, sink: SinkServer
) -> None:
    free = slots(owner, "consultation")
    with psycopg.connect(demo_url) as conn:  # one transaction, rolled back
        rolled_back = conn.execute(
            "SELECT reference FROM api.book_slot('consultation', %s, %s::jsonb)",
            (free[0]["starts_at"], '{"name": "Rolf", "email": "rolf@back.test"}'),
        ).fetchone()
        conn.rollback()
    assert rolled_back is not None
    kept = book(owner, "consultation", free[1]["starts_at"])  # a control: the worker does run
    await drain(app_db_url, sink)
    assert len(sink.handler.received) == 2
    assert all(kept["reference"] in str(r.message["Subject"]) for r in sink.handler.received)
    assert not sink.handler.to("rolf@back.test")
