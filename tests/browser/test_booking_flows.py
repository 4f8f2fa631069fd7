"""End-to-end flows through the web client: guest booking, member lifecycle, admin."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from playwright.sync_api import expect

from booker import demo
from tests.browser.conftest import Pages
from tests.browser.helpers import book_open_dialog, calendar_ready, first_free, login, open_calendar

pytestmark = pytest.mark.browser


def booking_row(db_url: str, reference: str) -> tuple[str, str | None] | None:
    """(status, owner): the owner is the member's email, or the guest's attendee email."""
    with psycopg.connect(db_url) as c:
        return c.execute("SELECT b.status::text, coalesce(u.email, b.attendee_email) FROM booking.bookings b"
                         " LEFT JOIN booking.users u ON u.id = b.user_id WHERE b.reference = %s",
                         (reference,)).fetchone()


def test_guest_books_a_slot_and_sees_the_reference(pages: Pages, demo_url: str) -> None:
    page = pages.new()
    open_calendar(page, "consultation")
    slot = first_free(page)
    starts_at = slot.get_attribute("data-starts-at")
    slot.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Consultation")
    expect(dialog).to_contain_text("€60.00")
    # Client-side validation first: nothing is sent without a name and a valid email.
    dialog.get_by_label("Email").fill("not-an-email")
    dialog.get_by_role("button", name="Confirm booking").click()
    expect(dialog.get_by_label("Your name")).to_have_attribute("aria-invalid", "true")
    expect(dialog.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
    reference = book_open_dialog(page, name="Grace Guest", email="grace@example.org")
    assert booking_row(demo_url, reference) == ("confirmed", "grace@example.org")
    page.get_by_role("button", name="Done").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    # The time zone is shown and switchable: the same slot moves to New York wall-clock time.
    first_row = page.locator('#calendar [role="rowheader"]').first
    expect(first_row).to_have_text("09:00")
    page.get_by_label("Time zone").select_option("America/New_York")
    expect(page.locator("#tz-name")).to_contain_text("America/New_York")
    expect(first_row).to_have_text("03:00")
    assert starts_at and page.locator(f'#calendar [data-starts-at="{starts_at}"]').count() == 1
    assert not pages.errors


def test_member_signs_up_books_sees_it_and_cancels(pages: Pages, demo_url: str) -> None:
    page = pages.new(width=768)
    page.goto("/register?next=/book/meeting-room")
    page.get_by_label("Name").fill("Mia Member")
    page.get_by_label("Email").fill(demo.MEMBER_EMAIL)
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Create account").click()
    # The client mirrors the server's rule before sending anything...
    expect(page.locator("#password-error")).to_have_text("Use at least 8 characters.")
    page.get_by_label("Password").fill("longenough")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#password-error")).to_have_text("Include at least one digit.")
    # ...and the server's answer lands on its field (the demo member's email is taken).
    page.get_by_label("Password").fill("s3cure-enough")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#email-error")).to_contain_text("already exists")
    page.get_by_label("Email").fill("mia@example.org")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/book/meeting-room")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    calendar_ready(page)  # where sign-up led: no second navigation to race the first
    first_free(page).click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Your name")).to_have_count(0)  # signed in: no guest fields
    reference = book_open_dialog(page)
    assert booking_row(demo_url, reference) == ("confirmed", "mia@example.org")

    # Silent refresh: without an access token in this tab, the refresh cookie signs us back in.
    page.evaluate("sessionStorage.clear()")
    page.goto("/me")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    item = page.locator(f'#upcoming [data-reference="{reference}"]')
    expect(item).to_contain_text("Meeting room")
    item.get_by_role("button", name="Cancel").click()
    confirm = page.get_by_role("dialog")
    expect(confirm).to_contain_text(reference)
    confirm.get_by_role("button", name="Yes, cancel booking").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator(f'#past [data-reference="{reference}"]')).to_contain_text("Cancelled")
    expect(page.locator("#upcoming")).to_contain_text("You have no upcoming bookings.")
    assert booking_row(demo_url, reference) == ("cancelled", "mia@example.org")
    assert not pages.errors


def test_admin_creates_a_service_and_opens_its_public_link(pages: Pages) -> None:
    page = pages.new()
    login(page, demo.ADMIN_EMAIL, demo.ADMIN_PASSWORD, next_path="/admin")
    page.get_by_role("tab", name="Services").click()
    page.get_by_label("Name").fill("Piano lesson")
    expect(page.get_by_label("Public link slug")).to_have_value("piano-lesson")
    page.get_by_label("Duration (minutes)").fill("45")
    page.get_by_label("Slot every (minutes)").fill("45")
    page.get_by_label("Price").fill("35")
    page.get_by_label("Ana Alves (Europe/Berlin)").check()
    page.get_by_role("button", name="Create service").click()
    link = page.locator("#public-link")
    expect(link).to_contain_text("/book/piano-lesson")
    link.click()
    page.wait_for_url("**/book/piano-lesson")
    expect(page.get_by_role("heading", name="Piano lesson")).to_be_visible()
    page.locator('#calendar [role="gridcell"][data-status="available"]').first.wait_for()
    assert not pages.errors


def test_admin_edits_hours_adds_a_closure_exports_retries_and_audits(pages: Pages, demo_url: str) -> None:
    guest = pages.new()
    open_calendar(guest, "consultation")
    first_free(guest).click()
    reference = book_open_dialog(guest, name="Ada Audit", email="ada@example.org")
    with psycopg.connect(demo_url) as c:  # one email bounced for good: the admin may retry it
        c.execute("UPDATE booking.notification_log SET status = 'failed', attempts = 8,"
                  " last_error = '550 mailbox unavailable' WHERE recipient = 'ada@example.org'")

    page = pages.new()
    login(page, demo.ADMIN_EMAIL, demo.ADMIN_PASSWORD, next_path="/admin")
    page.get_by_role("button", name="Edit hours and closures of Ana Alves").click()
    page.get_by_label("Monday closes at").fill("16:00")
    page.get_by_role("button", name="Save weekly hours").click()
    expect(page.locator("#hours-saved")).to_have_text("Weekly hours saved.")
    page.get_by_label("From (your local time)").fill("2030-01-02T09:00")
    page.get_by_label("Until (your local time)").fill("2030-01-02T12:00")
    page.get_by_label("Reason").fill("Dentist")
    page.get_by_role("button", name="Add closure").click()
    expect(page.get_by_role("region", name="Closures of Ana Alves")).to_contain_text("Dentist")
    with psycopg.connect(demo_url) as c:
        row = c.execute("SELECT end_time::text FROM booking.availability_rules ar JOIN booking.resources r"
                        " ON r.id = ar.resource_id WHERE r.slug = 'provider-ana' AND weekday = 1").fetchone()
    assert row == ("16:00:00",)

    page.get_by_role("tab", name="Bookings").click()
    page.get_by_label("Search").fill(reference)
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#booking-results tbody tr")).to_have_count(1)
    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV").click()
    assert reference in Path(download.value.path()).read_text(encoding="utf-8")

    page.get_by_role("tab", name="Notifications").click()
    page.get_by_label("Status").select_option("failed")
    failed = page.locator("#panel tbody tr")
    expect(failed).to_have_count(1)
    expect(failed).to_contain_text("550 mailbox unavailable")
    failed.get_by_role("button", name="Retry").click()
    expect(page.locator("#panel")).to_contain_text("The outbox is empty.")  # no failed ones left
    with psycopg.connect(demo_url) as c:
        assert c.execute("SELECT status::text FROM booking.notification_log"
                         " WHERE recipient = 'ada@example.org'").fetchall() == [("pending",)]

    page.get_by_role("tab", name="Audit trail").click()
    page.get_by_label("Booking id or reference").fill(reference)
    page.get_by_role("button", name="Show audit trail").click()
    expect(page.locator("#audit-results tbody tr").first).to_contain_text("Confirmed")
    assert not pages.errors
