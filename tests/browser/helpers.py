"""Small steps the browser tests share."""

from __future__ import annotations

import re
import time

import psycopg
from playwright.sync_api import Locator, Page, expect

FREE_CELL = '#calendar [role="gridcell"][data-status="available"]'
REFERENCE = re.compile(r"^BK-[A-Z0-9]{4,}$")


def login(page: Page, email: str, password: str, next_path: str = "/me") -> None:
    page.goto(f"/login?next={next_path}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(lambda url: "/login" not in url)  # "/login?next=/x" itself matches "**/x"
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def open_calendar(page: Page, slug: str) -> None:
    page.goto(f"/book/{slug}")
    calendar_ready(page)


def calendar_ready(page: Page) -> None:
    """The booking page shown is live and its grid has a free slot."""
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")
    page.locator(FREE_CELL).first.wait_for()


def first_free(page: Page, lead_hours: float = 3) -> Locator:
    """The first free slot at least `lead_hours` ahead (a slot within the hour is inside a
    cancellation cutoff, which would make a test depend on the hour it runs at); the first
    free slot when the week shown has none that late."""
    page.locator(FREE_CELL).first.wait_for()
    ms = page.evaluate(
        """([selector, earliest]) => [...document.querySelectorAll(selector)]
               .map((c) => c.dataset.ms).find((ms) => Number(ms) >= earliest) ?? null""",
        [FREE_CELL, (time.time() + lead_hours * 3600) * 1000])
    return cell(page, ms) if ms else page.locator(FREE_CELL).first


def cell(page: Page, ms: str) -> Locator:
    return page.locator(f'#calendar [role="gridcell"][data-ms="{ms}"]')


def book_open_dialog(page: Page, name: str | None = None, email: str | None = None) -> str:
    """Fill the open dialog (guest fields when given), confirm, return the shown reference."""
    dialog = page.get_by_role("dialog")
    if name is not None:
        dialog.get_by_label("Your name").fill(name)
    if email is not None:
        dialog.get_by_label("Email").fill(email)
    dialog.get_by_role("button", name="Confirm booking").click()
    expect(dialog.get_by_role("heading", name="Booking confirmed \u2013 email sent")).to_be_visible()
    reference = dialog.locator("#booking-reference").inner_text().strip()
    assert REFERENCE.match(reference), reference
    return reference


def guest_booking(database_url: str, name: str, email: str) -> str:
    """The id of a guest's meeting-room booking on the first free slot from tomorrow (a slot
    within the hour would be inside the 60-minute change cutoff), made in SQL."""
    with psycopg.connect(database_url) as c:
        row = c.execute("""SELECT b.id::text FROM api.book_slot('meeting-room',
                               (SELECT starts_at FROM api.available_slots(
                                    'meeting-room', now() + interval '1 day', now() + interval '14 days')
                                 ORDER BY starts_at LIMIT 1),
                               p_attendee => jsonb_build_object('name', %s::text, 'email', %s::text)) b""",
                        (name, email)).fetchone()
    assert row
    return str(row[0])


def move_in_calendar(page: Page) -> str:
    """On a booking calendar in move mode (?move=…), move the booking to the first free slot
    at least 3 hours ahead; returns that slot's starts_at once the move is confirmed."""
    expect(page.locator("#move-banner")).to_be_visible()
    slot = first_free(page)
    starts_at = slot.get_attribute("data-starts-at")
    assert starts_at
    slot.click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name="Move your booking")).to_be_visible()
    dialog.get_by_role("button", name="Move booking").click()
    expect(dialog.get_by_role("heading", name="Booking moved \u2013 email sent")).to_be_visible()
    return starts_at
