"""The provider's workspace in a real Chromium (issue 13): Cara confirms a request from
/provider; declines one from the link in her email, delivered by the real worker over SMTP
to the development mail sink, and the member's /me and email show it; edits her weekly hours
and the booking grid follows. Screenshots of the workspace at a laptop and a phone size go
to var/screenshots/ (as the other browser tests' do)."""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import re
import threading
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from playwright.sync_api import Page, expect
from psycopg.rows import dict_row

from booker import demo, mailsink
from booker.settings import Settings
from tests.browser.conftest import SCREENSHOTS, SECRET, LiveEdge, Pages
from tests.browser.helpers import FREE_CELL, login
from tests.browser.test_accessibility import unnamed_controls
from tests.worker.conftest import FAST, free_port
from worker.main import Worker, WorkerConfig

CARA = "cara@example.com"
NEW_YORK = ZoneInfo("America/New_York")


def request_expert_call(demo_url: str, index: int = 0) -> dict[str, Any]:
    """The member asks for Cara's expert call (it needs her confirmation), from tomorrow on."""
    with psycopg.connect(demo_url, autocommit=True, row_factory=dict_row) as c:
        row = c.execute(
            """SELECT b.id::text, b.reference, b.status::text FROM api.book_slot('expert-call',
                   (SELECT starts_at FROM api.available_slots('expert-call', now() + interval '1 day',
                                                              now() + interval '8 days')
                     ORDER BY starts_at OFFSET %s LIMIT 1), '{}',
                   p_user => (SELECT id FROM booking.users WHERE email = %s)) b""",
            (index, demo.MEMBER_EMAIL)).fetchone()
    assert row and row["status"] == "pending"
    return row


def status_of(demo_url: str, booking_id: str) -> tuple[str, str | None]:
    with psycopg.connect(demo_url) as c:
        row = c.execute("SELECT status::text, status_reason FROM booking.bookings WHERE id = %s",
                        (booking_id,)).fetchone()
    assert row
    return row[0], row[1]


def deliver(app_db_url: str, mail_dir: Path, public_url: str) -> None:
    """Run the real worker until the outbox is empty, sending over SMTP to the development mail
    sink (booker/mailsink.py), which saves each message in mail_dir. In a thread of its own:
    Playwright's sync API keeps an event loop running in this one."""
    async def run() -> None:
        port = free_port()
        server = await mailsink.start(mailsink.SaveToDirectory(mail_dir), "127.0.0.1", port)
        try:
            settings = Settings(smtp_host="127.0.0.1", smtp_port=port, public_url=public_url, secret=SECRET,
                                mail_from="Booker <bookings@booker.test>")
            await Worker(app_db_url, settings, WorkerConfig(**FAST.__dict__)).run(until_idle=True)
        finally:
            server.close()
            await server.wait_closed()

    errors: list[BaseException] = []
    thread = threading.Thread(target=lambda: _capture(errors, lambda: asyncio.run(run())))
    thread.start()
    thread.join(60)
    assert not errors, errors


def _capture(errors: list[BaseException], fn: Any) -> None:
    try:
        fn()
    except BaseException as e:  # surfaced in the test thread
        errors.append(e)


def mails(mail_dir: Path, to: str) -> list[email.message.EmailMessage]:
    """The messages the sink saved for one recipient, oldest first, as (subject, text)."""
    out = []
    for path in sorted(mail_dir.glob("*.eml")):
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(msg, email.message.EmailMessage)
        if to in str(msg["To"]):
            out.append(msg)
    return out


def text_of(msg: email.message.EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / name, full_page=True)


def test_provider_confirms_from_the_workspace(pages: Pages, demo_url: str) -> None:
    booking = request_expert_call(demo_url)
    page = pages.new(width=1280, height=800, timezone="America/New_York")
    login(page, CARA, demo.PROVIDER_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Provider").click()
    expect(page.get_by_role("heading", name="Provider workspace")).to_be_visible()
    requests = page.locator("#requests")
    item = requests.locator(f'[data-reference="{booking["reference"]}"]')
    expect(item).to_contain_text("Awaiting confirmation")
    expect(item).to_contain_text("Demo Member")
    expect(page.locator("#schedule")).to_contain_text(booking["reference"])
    screenshot(page, "provider-laptop.png")

    item.get_by_role("button", name="Confirm").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name="Confirm this request?")).to_be_visible()
    dialog.get_by_role("button", name="Confirm booking").click()
    expect(dialog).to_be_hidden()
    expect(requests).to_contain_text("No requests are waiting for you.")
    shown = page.locator(f'#schedule [data-reference="{booking["reference"]}"]')
    expect(shown).to_have_attribute("data-status", "confirmed")
    assert status_of(demo_url, booking["id"]) == ("confirmed", None)

    page.get_by_role("button", name="Week").click()
    expect(page.locator(".week-cal .week-day")).to_have_count(7)
    expect(page.locator("#schedule")).not_to_have_attribute("aria-busy", "true")
    event = page.locator(f'.week-event[data-reference="{booking["reference"]}"]')
    if not event.count():  # the booking falls in next week's calendar
        page.get_by_role("button", name="Later").click()
    event.click()  # the week calendar opens the booking with its actions
    dialog = page.get_by_role("dialog")
    expect(dialog.locator('[data-status="confirmed"]')).to_contain_text("Confirmed")
    expect(dialog.get_by_role("button", name=re.compile("^Move "))).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert not pages.errors, pages.errors


def test_the_workspace_shows_times_in_the_providers_profile_zone(pages: Pages, demo_url: str) -> None:
    """Cara's resource is in New York; with Los Angeles in her profile, the workspace shows
    every time in Los Angeles time (the weekly hours stay the resource's, and say so)."""
    booking = request_expert_call(demo_url)
    with psycopg.connect(demo_url, autocommit=True) as c:
        c.execute("UPDATE booking.users SET time_zone = 'America/Los_Angeles' WHERE email = %s", (CARA,))
        starts_at = c.execute("SELECT starts_at FROM booking.bookings WHERE id = %s",
                              (booking["id"],)).fetchone()[0]  # type: ignore[index]
    los_angeles = starts_at.astimezone(ZoneInfo("America/Los_Angeles"))
    page = pages.new(width=1280, height=800, timezone="Europe/Berlin")
    login(page, CARA, demo.PROVIDER_PASSWORD, next_path="/provider")
    expect(page.locator("#main")).to_contain_text("Times in America/Los_Angeles")
    item = page.locator(f'#requests [data-reference="{booking["reference"]}"]')
    expect(item).to_contain_text(f"{los_angeles:%H:%M} \u2013")
    expect(page.locator("#main")).to_contain_text("Weekly hours of Cara Chen (America/New_York)")
    assert not pages.errors, pages.errors


def test_member_and_other_providers_see_no_workspace(pages: Pages, demo_url: str) -> None:
    request_expert_call(demo_url)
    page = pages.new()
    login(page, demo.MEMBER_EMAIL, demo.MEMBER_PASSWORD)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="My bookings")).to_be_visible()
    expect(nav.get_by_role("link", name="Provider")).to_have_count(0)  # the link is for providers only
    page.goto("/provider")
    expect(page.locator("#main")).to_contain_text("You do not provide any bookable resource yet.")

    ana = pages.new()
    login(ana, "ana@example.com", demo.PROVIDER_PASSWORD, next_path="/provider")
    expect(ana.locator("#requests")).to_contain_text("No requests are waiting for you.")  # not Cara's
    assert not pages.errors, pages.errors


def test_provider_declines_from_the_email_link(pages: Pages, edge: LiveEdge, demo_url: str, app_db_url: str,
                                              tmp_path: Path) -> None:
    mail_dir = tmp_path / "mail"
    booking = request_expert_call(demo_url, index=1)
    deliver(app_db_url, mail_dir, edge.url)
    [request] = [m for m in mails(mail_dir, CARA) if str(m["Subject"]).startswith("Please confirm")]
    text = text_of(request)
    assert f"Your bookings: {edge.url}/provider" in text  # not /me, which shows her nothing
    link = re.search(rf"Decline: ({re.escape(edge.url)}/provider/decline\?token=\S+)", text)
    assert link, text

    page = pages.new(width=390, height=844)  # read on a phone, not signed in
    page.goto(link[1])
    expect(page.get_by_role("heading", name="Decline a booking request")).to_be_visible()
    expect(page.locator("#request-summary")).to_contain_text(booking["reference"])
    expect(page.locator("#request-summary")).to_contain_text("Awaiting confirmation")
    assert status_of(demo_url, booking["id"])[0] == "pending"  # opening the link changes nothing
    screenshot(page, "provider-email-decline-phone.png")
    assert not unnamed_controls(page)
    page.get_by_label("Reason (optional, sent to the attendee)").fill("On holiday that week")
    page.get_by_role("button", name="Decline request").click()
    expect(page.locator("#outcome")).to_have_text("Declined. The attendee is told by email.")
    assert status_of(demo_url, booking["id"]) == ("declined", "On holiday that week")

    page.goto(link[1])  # the link again: it explains itself
    expect(page.locator("#outcome")).to_contain_text("This link was already used on")
    confirm = re.search(rf"Confirm: ({re.escape(edge.url)}/provider/confirm\?token=\S+)", text)
    assert confirm
    page.goto(confirm[1])
    expect(page.locator("#outcome")).to_have_text("This request was already declined.")
    expect(page.get_by_role("button", name="Confirm booking")).to_have_count(0)
    page.goto(link[1].replace("token=", "token=x"))
    expect(page.locator("#outcome")).to_contain_text("this link is not valid")

    deliver(app_db_url, mail_dir, edge.url)
    declined = [m for m in mails(mail_dir, demo.MEMBER_EMAIL) if str(m["Subject"]).startswith("Declined")]
    assert len(declined) == 1 and "On holiday that week" in text_of(declined[0])
    member = pages.new()
    login(member, demo.MEMBER_EMAIL, demo.MEMBER_PASSWORD)
    item = member.locator(f'[data-reference="{booking["reference"]}"]')
    expect(item).to_have_attribute("data-status", "declined")
    expect(item).to_contain_text("Declined")
    assert not pages.errors, pages.errors


def test_provider_edits_her_hours_and_the_grid_follows(pages: Pages) -> None:
    page = pages.new(timezone="America/New_York")
    login(page, CARA, demo.PROVIDER_PASSWORD, next_path="/provider")
    panel = page.locator('details[data-resource="provider-cara"]')
    panel.locator("summary").click()
    form = panel.locator("form").first
    rows = form.locator(".hours-row")
    expect(rows).to_have_count(5)  # Monday to Friday, 09:00-17:00
    for day in ("Saturday", "Sunday"):  # open every day, so that the week shown has some left
        form.get_by_role("button", name=f"Add hours on {day}").click()
    expect(rows).to_have_count(7)
    for i in range(7):
        rows.nth(i).locator(".from").fill("13:00")
        rows.nth(i).locator(".to").fill("15:00")
    form.get_by_role("button", name="Save weekly hours").click()
    expect(form.get_by_role("status")).to_have_text("Weekly hours saved.")
    screenshot(page, "provider-hours-laptop.png")

    page.goto("/book/expert-call")
    page.locator('#calendar [role="gridcell"]').first.wait_for()
    if not page.locator(FREE_CELL).count():  # late on a Sunday: this week has no time left
        page.get_by_role("button", name="Next week").click()
    page.locator(FREE_CELL).first.wait_for()
    starts = [dt.datetime.fromtimestamp(int(ms) / 1000, NEW_YORK) for ms in page.eval_on_selector_all(
        FREE_CELL, "cells => cells.map((c) => c.dataset.ms)")]
    assert starts and all(dt.time(13) <= s.time() <= dt.time(14, 15) for s in starts), starts
    assert not pages.errors, pages.errors


def test_workspace_on_a_phone(pages: Pages, demo_url: str) -> None:
    request_expert_call(demo_url, index=2)
    page = pages.new(width=390, height=844, timezone="America/New_York")
    login(page, CARA, demo.PROVIDER_PASSWORD, next_path="/provider")
    expect(page.locator("#requests .booking-item")).to_have_count(1)
    fits = "document.documentElement.scrollWidth <= window.innerWidth + 1"
    assert page.evaluate(fits), "no sideways scrolling"
    screenshot(page, "provider-phone.png")
    page.get_by_role("button", name="Week").click()
    expect(page.locator(".week-day")).to_have_count(7)
    assert page.evaluate(fits)
    screenshot(page, "provider-phone-week.png")
    page.locator('details[data-resource="provider-cara"] summary').click()
    page.locator(".hours-row").first.wait_for()
    assert page.evaluate(fits)
    assert not unnamed_controls(page)  # every button and field has an accessible name
    assert not pages.errors, pages.errors


def test_provider_moves_a_booking_and_the_attendee_is_told(pages: Pages, demo_url: str) -> None:
    booking = request_expert_call(demo_url, index=3)
    page = pages.new(timezone="America/New_York")
    login(page, CARA, demo.PROVIDER_PASSWORD, next_path="/provider")
    item = page.locator(f'#requests [data-reference="{booking["reference"]}"]')
    item.get_by_role("button", name="Move").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name=f"Move {booking['reference']}")).to_be_visible()
    choice = dialog.locator(".move-times button").first
    new_start = choice.get_attribute("data-start")
    assert new_start
    choice.click()
    expect(dialog).to_be_hidden()
    with psycopg.connect(demo_url) as c:
        row = c.execute(
            "SELECT starts_at, (SELECT array_agg(kind ORDER BY kind) FROM booking.notification_log n"
            " WHERE n.booking_id = b.id AND kind LIKE '%%rescheduled') FROM booking.bookings b WHERE id = %s",
            (booking["id"],)).fetchone()
    assert row and row[0] == dt.datetime.fromisoformat(new_start)
    assert row[1] == ["customer_rescheduled", "provider_rescheduled"]  # the outbox tells both, as today
    expect(item).to_contain_text(
        dt.datetime.fromisoformat(new_start).astimezone(NEW_YORK).strftime("%H:%M"))
    assert not pages.errors, pages.errors
