"""Browser flows of issue 14's booking page: the choice of resource, reschedule in the
calendar, zones, the cutoff and limits, the live fallback and the small ones."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest
from playwright.sync_api import expect

from booker import demo
from tests.browser.conftest import Pages
from tests.browser.helpers import (
    FREE_CELL,
    book_open_dialog,
    cell,
    first_free,
    login,
    move_in_calendar,
    open_calendar,
)

pytestmark = pytest.mark.browser


def _book_sql(db_url: str, slug: str, starts_at: str, resource: str, email: str) -> str:
    with psycopg.connect(db_url) as c:
        row = c.execute("SELECT b.reference FROM api.book_slot(%s, %s,"
                        " jsonb_build_object('name', 'Taken', 'email', %s::text),"
                        " p_resource => api.resource_id(%s)) b",
                        (slug, starts_at, email, resource)).fetchone()
    assert row
    return str(row[0])


def _resource_of(db_url: str, reference: str) -> str:
    with psycopg.connect(db_url) as c:
        row = c.execute("SELECT r.slug FROM booking.bookings b"
                        " JOIN booking.resources r ON r.id = b.resource_id WHERE b.reference = %s",
                        (reference,)).fetchone()
    assert row
    return str(row[0])


def test_guest_chooses_ben_and_the_grid_dialog_and_confirmation_follow(pages: Pages, demo_url: str) -> None:
    page = pages.new()
    open_calendar(page, "consultation")
    slot = first_free(page)
    ms = slot.get_attribute("data-ms")
    starts_at = slot.get_attribute("data-starts-at")
    assert ms and starts_at
    _book_sql(demo_url, "consultation", starts_at, "provider-ana", "taken@example.org")
    choice = page.get_by_label("With")
    expect(choice).to_have_value("")  # "Any available"
    choice.select_option("provider-ana")
    expect(cell(page, ms)).to_have_attribute("data-status", "booked")
    assert "resource=provider-ana" in page.url
    choice.select_option("provider-ben")
    expect(cell(page, ms)).to_have_attribute("data-status", "available")
    cell(page, ms).click()
    dialog = page.get_by_role("dialog")
    expect(dialog.locator("#dlg-resource")).to_have_text("Ben Becker (Berlin)")
    reference = book_open_dialog(page, name="Grace Guest", email="grace@example.org")
    expect(dialog.locator("#booking-resource")).to_have_text("Ben Becker, Berlin")
    assert _resource_of(demo_url, reference) == "provider-ben"
    # The manage page (the guest's /me) names the resource and its location.
    dialog.locator("#manage-link").click()
    expect(page.locator("#manage-resource")).to_have_text("Ben Becker, Berlin")
    assert not pages.errors


def _mail_to(db_url: str, email: str, kind: str) -> list[dict[str, object]]:
    with psycopg.connect(db_url) as c:
        return [r[0] for r in c.execute(
            "SELECT payload FROM booking.notification_log WHERE recipient = %s AND kind = %s ORDER BY id",
            (email, kind)).fetchall()]


def test_member_moves_a_booking_from_me_in_the_calendar(pages: Pages, demo_url: str) -> None:
    page = pages.new()
    login(page, demo.MEMBER_EMAIL, demo.MEMBER_PASSWORD, next_path="/book/meeting-room")
    page.locator(FREE_CELL).first.wait_for()
    first_free(page).click()
    reference = book_open_dialog(page)
    page.goto("/me")
    item = page.locator(f'.booking-item[data-reference="{reference}"]')
    item.get_by_role("link", name="Change time").click()
    expect(page.locator("#move-banner")).to_contain_text(reference)
    expect(page.locator('#calendar [data-current="true"]')).to_have_count(1)
    new_start = move_in_calendar(page)
    with psycopg.connect(demo_url) as c:
        row = c.execute("SELECT starts_at, status::text, version FROM booking.bookings WHERE reference = %s",
                        (reference,)).fetchone()
    assert row and row[0] == dt.datetime.fromisoformat(new_start) and row[1:] == ("confirmed", 2)
    # the updated invitation is queued for the member
    moved = _mail_to(demo_url, demo.MEMBER_EMAIL, "customer_rescheduled")
    assert moved and moved[-1]["reference"] == reference
    page.get_by_role("dialog").get_by_role("link", name="Back to my bookings").click()
    expect(page.locator(f'.booking-item[data-reference="{reference}"]')).to_be_visible()
    assert not pages.errors
