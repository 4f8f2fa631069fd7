"""A guest manages their booking from the link in their email (/book/manage/<id>?token=…):
the success dialog shows the same link; the page shows the booking and cancels it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import psycopg
from playwright.sync_api import expect

from booker.manage import manage_token
from tests.browser.conftest import SECRET, Pages
from tests.browser.helpers import book_open_dialog, first_free, guest_booking, move_in_calendar, open_calendar


def booking(db_url: str, reference: str) -> Any:
    with psycopg.connect(db_url) as c:
        return c.execute("SELECT id::text, status::text FROM booking.bookings WHERE reference = %s",
                         (reference,)).fetchone()


def test_a_guest_opens_the_manage_link_and_cancels(pages: Pages, demo_url: str) -> None:
    page = pages.new()
    open_calendar(page, "consultation")
    first_free(page).click()
    reference = book_open_dialog(page, name="Mia Manage", email="mia@example.org")
    booking_id, _ = booking(demo_url, reference)
    link = f"/book/manage/{booking_id}?token={manage_token(SECRET, booking_id)}"  # as in the email
    expect(page.locator("#manage-link")).to_have_attribute("href", link)

    guest = pages.new(width=375)  # later, on a phone, from the email: no session, only the link
    guest.goto(link)
    expect(guest.locator("#manage-reference")).to_have_text(reference)
    expect(guest.locator("#manage-status")).to_have_text("Confirmed")
    expect(guest.locator("#cutoff")).to_contain_text("up to 60 minutes before they start")
    guest.get_by_role("button", name="Cancel booking").click()
    dialog = guest.get_by_role("dialog")
    expect(dialog).to_contain_text(reference)
    dialog.get_by_role("button", name="Keep booking").click()
    expect(dialog).to_have_count(0)
    assert booking(demo_url, reference)[1] == "confirmed"
    guest.get_by_role("button", name="Cancel booking").click()
    guest.get_by_role("dialog").get_by_role("button", name="Yes, cancel booking").click()
    expect(guest.locator("#manage-status")).to_have_text("Cancelled")
    expect(guest.get_by_role("button", name="Cancel booking")).to_have_count(0)
    expect(guest.get_by_role("link", name="Book again")).to_have_attribute("href", "/book/consultation")
    assert booking(demo_url, reference)[1] == "cancelled"

    wrong = pages.new()
    wrong.goto(f"/book/manage/{booking_id}?token=not-the-token")
    expect(wrong.get_by_role("alert")).to_contain_text("could not find this booking")
    assert not pages.errors


def test_a_guest_moves_the_booking_to_another_free_time(pages: Pages, demo_url: str) -> None:
    booking_id = guest_booking(demo_url, "Max Move", "max@example.org")
    page = pages.new()
    page.goto(f"/book/manage/{booking_id}?token={manage_token(SECRET, booking_id)}")
    expect(page.locator("#manage-status")).to_have_text("Confirmed")
    page.get_by_role("link", name="Change time").click()  # the booking calendar in move mode
    choice = move_in_calendar(page)
    page.get_by_role("dialog").get_by_role("link", name="Back to your booking").click()
    expect(page.locator("#manage-status")).to_have_text("Confirmed")
    with psycopg.connect(demo_url) as c:
        moved = c.execute("SELECT starts_at, version FROM booking.bookings WHERE id = %s",
                          (booking_id,)).fetchone()
    assert moved == (dt.datetime.fromisoformat(choice), 2)
    assert not pages.errors
