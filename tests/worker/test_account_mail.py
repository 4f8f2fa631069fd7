"""Issue 14 through real SMTP (aiosmtpd): the password-reset and verification emails carry
a link whose token the edge accepts once; reminders are scheduled outbox rows the worker
sends only when due, never for a cancelled booking, at the new time for a moved one; the
invitation carries a VALARM per reminder offset; the provider's email shows the answers
to the booking questions."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable
from typing import Any

import psycopg
from aiohttp.test_utils import TestClient
from icalendar import Calendar
from psycopg.types.json import Jsonb

from edge.app import create_app
from tests.worker.conftest import GUEST, PUBLIC_URL, SinkServer, book, make_settings, make_worker, slots

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
API = "/api/v1"


async def drain(app_db_url: str, sink: SinkServer) -> None:
    await make_worker(app_db_url, sink.port).run(until_idle=True)


def later_slot(owner: psycopg.Connection[Any], service: str, days: int = 3) -> dict[str, Any]:
    """A slot at least `days` days ahead: its one-day reminder is not yet due."""
    after = dt.datetime.now(dt.UTC) + dt.timedelta(days=days)
    return next(s for s in slots(owner, service, days=days + 7) if s["starts_at"] > after)


def make_due(owner: psycopg.Connection[Any], booking_id: Any) -> int:
    return owner.execute("UPDATE booking.notification_log SET next_attempt_at = now() - interval '1 second' "
                         "WHERE booking_id = %s AND kind = 'customer_reminder' AND status = 'pending'",
                         (booking_id,)).rowcount


async def test_password_reset_link_from_the_mail_works_once(
    owner: psycopg.Connection[Any], app_db_url: str, sink: SinkServer, aiohttp_client: ClientFactory
) -> None:
    client = await aiohttp_client(create_app(make_settings(sink.port), database_url=app_db_url))
    for address in ("member@example.com", "nobody@example.com"):
        assert (await client.post(f"{API}/auth/password-reset", json={"email": address})).status == 202
    await drain(app_db_url, sink)
    assert sink.handler.to("nobody@example.com") == []
    [mail] = sink.handler.to("member@example.com")
    assert mail.message["Subject"] == "Reset your Booker password"
    assert not any(p.get_content_type() == "text/calendar" for p in mail.message.walk())
    found = re.search(rf"{re.escape(PUBLIC_URL)}/account/reset\?token=([A-Za-z0-9_-]+)", mail.text())
    assert found, mail.text()
    token = found.group(1)
    assert f"?token={token}" in mail.part("text/html").get_content()
    row = owner.execute("SELECT count(*) AS n FROM booking.notification_log WHERE payload::text LIKE %s",
                        (f"%{token}%",)).fetchone()
    assert row["n"] == 0  # the outbox never holds the token
    url = f"{API}/auth/password-reset/confirm"
    assert (await client.post(url, json={"token": token, "password": "fresh-pass-42"})).status == 204
    assert (await client.post(url, json={"token": token, "password": "fresh-pass-43"})).status == 422
    login = await client.post(f"{API}/auth/login",
                              json={"email": "member@example.com", "password": "fresh-pass-42"})
    assert login.status == 200


async def test_verification_link_from_the_mail_verifies(
    owner: psycopg.Connection[Any], app_db_url: str, sink: SinkServer, aiohttp_client: ClientFactory
) -> None:
    client = await aiohttp_client(create_app(make_settings(sink.port), database_url=app_db_url))
    resp = await client.post(f"{API}/auth/register",
                             json={"email": "vic@example.org", "password": "s3cret-pass", "name": "Vic"})
    assert resp.status == 201
    await drain(app_db_url, sink)
    [mail] = sink.handler.to("vic@example.org")
    found = re.search(r"/account/verify\?token=([A-Za-z0-9_-]+)", mail.text())
    assert found and "Confirm your email address" in mail.text()
    verified = await client.post(f"{API}/auth/verify-email", json={"token": found.group(1)})
    assert verified.status == 200 and (await verified.json())["email_verified"] is True


async def test_reminders_are_scheduled_rows_sent_when_due(
    owner: psycopg.Connection[Any], app_db_url: str, sink: SinkServer
) -> None:
    owner.execute("UPDATE booking.services SET reminder_offsets = '{1440, 60}' WHERE slug = 'consultation'")
    slot = later_slot(owner, "consultation")
    booking = book(owner, "consultation", slot["starts_at"])
    await drain(app_db_url, sink)
    [confirmation] = sink.handler.to(GUEST["email"])  # the reminders are not due yet
    cal = Calendar.from_ical(confirmation.part("text/calendar").get_content())
    triggers = sorted(str(a.get("trigger").to_ical().decode()) for a in cal.walk("VALARM"))
    assert triggers == ["-P1D", "-PT1H"]

    assert make_due(owner, booking["id"]) == 2
    await drain(app_db_url, sink)
    reminders = [m for m in sink.handler.to(GUEST["email"]) if m.message["Subject"].startswith("Reminder:")]
    assert len(reminders) == 2
    assert "Your booking is coming up" in reminders[0].text()
    assert booking["reference"] in reminders[0].message["Subject"]


async def test_no_reminder_for_a_cancelled_booking_and_a_moved_one_at_its_new_time(
    owner: psycopg.Connection[Any], app_db_url: str, sink: SinkServer
) -> None:
    free = slots(owner, "consultation", days=14)
    after = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    ahead = [s for s in free if s["starts_at"] > after]
    cancelled = book(owner, "consultation", ahead[0]["starts_at"],
                     attendee={"name": "C", "email": "c@guest.test"})
    moved = book(owner, "consultation", ahead[1]["starts_at"],
                 attendee={"name": "M", "email": "m@guest.test"})
    owner.execute("SELECT api.cancel_booking(%s, NULL)", (cancelled["id"],))
    target = next(s for s in ahead[8:] if moved["resource_id"] in s["resource_ids"])
    owner.execute("SELECT api.reschedule_booking(%s, %s, NULL)", (moved["id"], target["starts_at"]))
    assert make_due(owner, cancelled["id"]) == 0  # none left to make due
    assert make_due(owner, moved["id"]) == 1
    await drain(app_db_url, sink)
    assert not [m for m in sink.handler.to("c@guest.test") if m.message["Subject"].startswith("Reminder:")]
    [reminder] = [m for m in sink.handler.to("m@guest.test") if m.message["Subject"].startswith("Reminder:")]
    cal = Calendar.from_ical(reminder.part("text/calendar").get_content())
    [event] = cal.walk("VEVENT")
    assert event.decoded("dtstart") == target["starts_at"]


async def test_the_provider_email_shows_the_answers(
    owner: psycopg.Connection[Any], app_db_url: str, sink: SinkServer
) -> None:
    owner.execute("UPDATE booking.services SET questions = %s WHERE slug = 'consultation'",
                  (Jsonb([{"id": "topic", "label": "Topic", "type": "short_text", "required": True},
                          {"id": "ok", "label": "Terms accepted", "type": "checkbox"}]),))
    slot = slots(owner, "consultation")[0]
    booking = book(owner, "consultation", slot["starts_at"],
                   attendee={**GUEST, "answers": {"topic": "Pension <plans>", "ok": True}})
    provider = owner.execute(
        "SELECT u.email FROM booking.resources r JOIN booking.users u ON u.id = r.owner_id WHERE r.id = %s",
        (booking["resource_id"],)).fetchone()["email"]
    await drain(app_db_url, sink)
    [notice] = sink.handler.to(provider)
    assert re.search(r"Topic: +Pension <plans>", notice.text())
    assert re.search(r"Terms accepted: +yes", notice.text())
    assert "Pension &lt;plans&gt;" in notice.part("text/html").get_content()
