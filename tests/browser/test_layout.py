"""Responsive layout: screenshots of every page at 375, 768 and 1280 px (var/screenshots/),
and no horizontal scrolling at 375 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from booker import demo
from tests.browser.conftest import SCREENSHOTS, Pages
from tests.browser.helpers import book_open_dialog, first_free, login, open_calendar

pytestmark = pytest.mark.browser

WIDTHS = (375, 768, 1280)


def overflow(page: Page) -> int:
    """How many pixels the page is wider than the viewport (0 = no horizontal scroll)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def shoot(page: Page, name: str, width: int, problems: list[str]) -> None:
    page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
    if width == 375 and overflow(page) > 0:
        problems.append(f"{name} scrolls sideways by {overflow(page)} px at 375 px")


def test_screenshots_at_three_widths_and_no_sideways_scroll_on_a_phone(pages: Pages) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = pages.new()
    problems: list[str] = []
    # A member with one booking, so /me has content.
    login(page, demo.MEMBER_EMAIL, demo.MEMBER_PASSWORD, next_path="/book/consultation")
    open_calendar(page, "consultation")
    first_free(page).click()
    book_open_dialog(page)
    shoot(page, "book-success", 1280, problems)
    page.get_by_role("button", name="Done").click()

    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/")
        page.locator(".card").first.wait_for()
        shoot(page, "dashboard", width, problems)
        open_calendar(page, "consultation")
        shoot(page, "book-week", width, problems)
        first_free(page).click()
        expect(page.get_by_role("dialog")).to_be_visible()
        shoot(page, "book-dialog", width, problems)
        page.keyboard.press("Escape")
        page.get_by_role("button", name="Month").click()
        page.locator(".month-cell").first.wait_for()
        shoot(page, "book-month", width, problems)
        page.goto("/me")
        page.locator("#upcoming .booking-item").first.wait_for()
        shoot(page, "me", width, problems)

    admin = pages.new()
    login(admin, demo.ADMIN_EMAIL, demo.ADMIN_PASSWORD, next_path="/admin")
    for width in WIDTHS:
        admin.set_viewport_size({"width": width, "height": 900})
        admin.goto("/admin#bookings")
        admin.locator("#booking-results table").wait_for()
        shoot(admin, "admin-bookings", width, problems)
        admin.goto("/admin#resources")
        admin.get_by_role("button", name="Edit hours and closures of Ana Alves").click()
        admin.locator(".hours-row").first.wait_for()
        shoot(admin, "admin-hours", width, problems)
        admin.goto("/admin#services")
        admin.locator("#create-service").wait_for()
        shoot(admin, "admin-services", width, problems)
    guest = pages.new()
    for width in WIDTHS:
        guest.set_viewport_size({"width": width, "height": 900})
        guest.goto("/register")
        guest.locator("form").wait_for()
        shoot(guest, "register", width, problems)

    assert not problems, problems
    assert len(list(SCREENSHOTS.glob("*-375.png"))) >= 8
    assert not pages.errors
