"""Issue 14 in Chromium: password reset from the link in a real email (aiosmtpd sink and
the worker), email verification from its link, the profile (a password change signs the
other browser out), and a booking question set in the admin editor, answered in the
booking dialog, shown in the admin's bookings list."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from typing import Any

import psycopg
from playwright.sync_api import Page, expect

from booker import demo
from booker.settings import Settings
from tests.browser.conftest import SECRET, LiveEdge, Pages
from tests.browser.helpers import book_open_dialog, first_free, login, open_calendar
from tests.worker.conftest import FAST, Received, RecordingSink, SinkServer, free_port
from worker.main import Worker


def deliver(app_db_url: str, public_url: str) -> list[Received]:
    """Run a real SMTP sink and the worker until the outbox has nothing due, in a thread of
    its own (Playwright's sync API owns this thread's event loop): what the sink received."""
    out: dict[str, Any] = {}

    async def run() -> None:
        sink = SinkServer(RecordingSink(), free_port())
        await sink.start()
        try:
            settings = Settings(smtp_host="127.0.0.1", smtp_port=sink.port, public_url=public_url,
                                secret=SECRET, mail_from="Booker <bookings@booker.test>")
            await Worker(app_db_url, settings, FAST).run(until_idle=True)
        finally:
            await sink.stop()
        out["mail"] = sink.handler.received

    thread = threading.Thread(target=lambda: asyncio.run(run()), name="deliver")
    thread.start()
    thread.join(60)
    return list(out["mail"])


def link_in(mail: list[Received], recipient: str, path: str) -> str:
    [message] = [m for m in mail if recipient in m.rcpt_tos]
    found = re.search(rf"https?://\S+{re.escape(path)}\?token=[A-Za-z0-9_-]+", message.text())
    assert found, message.text()
    return found.group(0)


def test_password_reset_from_the_mail_link(pages: Pages, edge: LiveEdge, app_db_url: str) -> None:
    page = pages.new()
    page.goto("/login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill(demo.MEMBER_EMAIL)
    page.get_by_role("button", name="Send the link").click()
    expect(page.locator("#reset-sent")).to_contain_text("If an account has this address")

    link = link_in(deliver(app_db_url, edge.url), demo.MEMBER_EMAIL, "/account/reset")
    page.goto(link)
    page.get_by_role("textbox", name="New password").fill("short")
    page.get_by_role("button", name="Save new password").click()
    expect(page.locator("#password-error")).to_have_text("Use at least 8 characters.")
    page.get_by_role("textbox", name="New password").fill("brand-new-pass-7")
    page.get_by_role("button", name="Save new password").click()
    expect(page.locator("#reset-done")).to_contain_text("signed out everywhere")
    assert "token=" not in page.url

    page.goto(link)  # a second use
    page.get_by_role("textbox", name="New password").fill("another-pass-8")
    page.get_by_role("button", name="Save new password").click()
    expect(page.locator("#form-error")).to_contain_text("no longer valid")
    login(page, demo.MEMBER_EMAIL, "brand-new-pass-7")
    assert not pages.errors


def test_register_then_verify_from_the_mail_link(pages: Pages, edge: LiveEdge, app_db_url: str) -> None:
    page = pages.new()
    page.goto("/register")
    page.get_by_label("Name").fill("Vera Verify")
    page.get_by_label("Email").fill("vera@example.org")
    page.get_by_label("Password").fill("s3cret-pass")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto("/me/profile")
    expect(page.locator("#email-state")).to_have_text("not verified yet")

    link = link_in(deliver(app_db_url, edge.url), "vera@example.org", "/account/verify")
    page.goto(link)
    expect(page.locator("#verified")).to_contain_text("vera@example.org is verified")
    page.goto("/me/profile")
    expect(page.locator("#email-state")).to_have_text("verified")
    page.goto(link)  # used
    expect(page.locator("#not-verified")).to_be_visible()
    assert not pages.errors


def test_profile_password_change_signs_the_other_browser_out(pages: Pages) -> None:
    other = pages.new()
    login(other, demo.MEMBER_EMAIL, demo.MEMBER_PASSWORD)
    time.sleep(1.1)  # access tokens carry whole seconds: the other browser's is from an earlier one
    page = pages.new(width=390, height=844)  # a phone
    login(page, demo.MEMBER_EMAIL, demo.MEMBER_PASSWORD)
    page.get_by_role("link", name="Demo Member").click()  # the name in the header leads to the profile
    page.wait_for_url("**/me/profile")
    expect(page.get_by_label("Name")).to_have_value("Demo Member")
    page.get_by_label("Name").fill("Demo M. Ember")
    page.get_by_label("Time zone").select_option("Asia/Tokyo")
    page.get_by_role("button", name="Save details").click()
    expect(page.locator("#details-status")).to_have_text("Your details are saved.")

    page.get_by_label("Current password").fill("wrong-one-1")
    page.get_by_role("textbox", name="New password").fill("fresh-pass-99")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("#current_password-error")).to_have_text("This is not your current password.")
    page.get_by_label("Current password").fill(demo.MEMBER_PASSWORD)
    page.keyboard.press("Tab")
    page.keyboard.type("fresh-pass-99")  # keyboard only, into the new password
    page.keyboard.press("Enter")
    expect(page.locator("#password-status")).to_contain_text("signed out on 1 other device")

    page.reload()  # this browser stays signed in, with the saved details
    expect(page.get_by_label("Name")).to_have_value("Demo M. Ember")
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Tokyo")
    other.goto("/me")  # the other one is signed out
    expect(other.get_by_role("link", name="Sign in", exact=True)).to_be_visible()
    expect(other.get_by_role("button", name="Sign out")).to_have_count(0)
    assert not pages.errors


def test_the_profile_zone_is_the_zone_times_are_shown_and_booked_in(pages: Pages, demo_url: str) -> None:
    page = pages.new(timezone="Europe/Berlin")  # the browser's zone is not the profile's
    login(page, demo.MEMBER_EMAIL, demo.MEMBER_PASSWORD, next_path="/me/profile")
    page.get_by_label("Time zone").select_option("Asia/Tokyo")
    page.get_by_role("button", name="Save details").click()
    expect(page.locator("#details-status")).to_have_text("Your details are saved.")
    page.goto("/me")
    expect(page.locator("#main")).to_contain_text("Times shown in Asia/Tokyo")
    open_calendar(page, "consultation")
    expect(page.locator("#tz")).to_have_value("Asia/Tokyo")
    first_free(page).click()
    reference = book_open_dialog(page)
    with psycopg.connect(demo_url) as c:  # the booking, and so the member's emails, use it
        row = c.execute("SELECT attendee_timezone FROM booking.bookings WHERE reference = %s",
                        (reference,)).fetchone()
    assert row == ("Asia/Tokyo",)
    assert not pages.errors


def _answer_in_dialog(page: Page) -> str:
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Your name").fill("Quinn Question")
    dialog.get_by_label("Email").fill("quinn@example.org")
    dialog.get_by_role("button", name="Confirm booking").click()
    expect(dialog.locator("#q-q1-error")).to_have_text("Please answer this question.")
    dialog.get_by_label("What should we prepare?").fill("Pension plans")
    dialog.get_by_label("Experience").select_option("Returning")
    return book_open_dialog(page)


def test_a_question_set_by_the_admin_is_answered_and_listed(pages: Pages, demo_url: str) -> None:
    admin = pages.new()
    login(admin, demo.ADMIN_EMAIL, demo.ADMIN_PASSWORD, next_path="/admin")
    admin.get_by_role("tab", name="Services").click()
    editor = admin.locator("#booking-form-editor")
    editor.get_by_label("Service").select_option(label="Consultation")
    editor.get_by_label("Reminders").fill("24, 2")
    editor.get_by_role("button", name="Add a question").click()
    editor.locator("input[id^=qe-label-]").last.fill("What should we prepare?")
    editor.get_by_label("Required").last.check()
    editor.get_by_role("button", name="Add a question").click()
    editor.locator("input[id^=qe-label-]").last.fill("Experience")
    editor.get_by_label("Answer type").last.select_option("choice")
    editor.get_by_label("Choices (one per line)").last.fill("New\nReturning")
    editor.get_by_role("button", name="Save booking form").click()
    expect(admin.locator("#bfe-status")).to_contain_text("saved")
    with psycopg.connect(demo_url) as c:
        row = c.execute("SELECT questions, reminder_offsets FROM booking.services"
                        " WHERE slug = 'consultation'").fetchone()
    assert row and [q["label"] for q in row[0]] == ["What should we prepare?", "Experience"]
    assert row[1] == [1440, 120]

    guest = pages.new()
    open_calendar(guest, "consultation")
    first_free(guest).click()
    reference = _answer_in_dialog(guest)

    admin.get_by_role("tab", name="Bookings").click()
    admin.get_by_label("Search").fill(reference)
    admin.get_by_role("button", name="Apply filters").click()
    row_el = admin.locator("#booking-results tbody tr")
    expect(row_el).to_have_count(1)
    expect(row_el).to_contain_text("What should we prepare?: Pension plans; Experience: Returning")
    assert not pages.errors
