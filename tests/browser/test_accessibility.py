"""Keyboard-only booking, and every control has an accessible name (as Chromium computes it)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from booker import demo
from tests.browser.conftest import Pages
from tests.browser.helpers import REFERENCE, login, open_calendar

pytestmark = pytest.mark.browser

# Roles a user operates; each must have a non-empty accessible name.
CONTROLS = {"button", "link", "textbox", "searchbox", "combobox", "listbox", "checkbox", "radio",
            "spinbutton", "gridcell", "tab", "slider", "switch", "menuitem", "option"}


def active(page: Page, expression: str) -> str:
    return str(page.evaluate(f"(() => {{ const el = document.activeElement; return {expression}; }})()"))


def tab_until(page: Page, predicate: str, limit: int = 40, key: str = "Tab") -> None:
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate(f"(() => {{ const el = document.activeElement; return Boolean({predicate}); }})()"):
            return
    raise AssertionError(f"focus never reached {predicate}")


def test_calendar_and_dialog_work_with_the_keyboard_alone(pages: Pages) -> None:
    page = pages.new()
    open_calendar(page, "consultation")
    period = page.locator("#period")

    # Month view through its toggle, then into the month grid and back to a week.
    tab_until(page, "el.dataset.view === 'month'")
    page.keyboard.press("Enter")
    expect(page.get_by_role("grid")).to_have_attribute("aria-label", re.compile("^Days of"))
    tab_until(page, "el.getAttribute('role') === 'gridcell'")
    day = active(page, "el.dataset.day")
    page.keyboard.press("Enter")
    expect(page.get_by_role("grid")).to_have_attribute("aria-label", "Times for Consultation")
    assert active(page, "el.dataset.day") == day
    assert active(page, "el.dataset.status") == "available"

    # Arrow keys move by day (left/right) and by time (up/down); Page Down/Up change the week.
    start = active(page, "el.dataset.ms")
    page.keyboard.press("ArrowDown")
    assert active(page, "el.dataset.day") == day and active(page, "el.dataset.ms") != start
    page.keyboard.press("ArrowUp")
    assert active(page, "el.dataset.ms") == start
    week = period.inner_text()
    page.keyboard.press("PageDown")
    expect(period).not_to_have_text(week)
    expect(page.locator('#calendar [role="gridcell"]:focus')).to_have_count(1)
    page.keyboard.press("PageUp")
    expect(period).to_have_text(week)
    tab_until(page, "el.getAttribute('role') === 'gridcell' && el.dataset.status === 'available'",
              key="Shift+Tab")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    chosen = active(page, "el.dataset.ms")

    # Enter opens the dialog with focus inside; Tab stays trapped; Escape closes and restores focus.
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    assert active(page, "el.id") == "attendee-name"
    for _ in range(8):
        page.keyboard.press("Tab")
        assert page.evaluate("document.querySelector('dialog').contains(document.activeElement)")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    assert active(page, "el.dataset.ms") == chosen

    # Book it without the mouse.
    page.keyboard.press("Enter")
    page.keyboard.type("Kim Keyboard")
    page.keyboard.press("Tab")
    page.keyboard.type("kim@example.org")
    tab_until(page, "el.id === 'confirm'", limit=6)
    page.keyboard.press("Enter")
    expect(dialog.get_by_role("heading", name="Booking confirmed \u2013 email sent")).to_be_visible()
    assert REFERENCE.match(dialog.locator("#booking-reference").inner_text())
    assert active(page, "el.id") == "dlg-close"
    page.keyboard.press("Enter")
    expect(dialog).to_have_count(0)
    assert active(page, "el.getAttribute('role')") == "gridcell"
    assert not pages.errors


def unnamed_controls(page: Page) -> list[str]:
    """Operable nodes of Chromium's accessibility tree that have no accessible name."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    bad = []
    for n in nodes:
        role = (n.get("role") or {}).get("value")
        if n.get("ignored") or role not in CONTROLS:
            continue
        if not str((n.get("name") or {}).get("value") or "").strip():
            bad.append(f"{page.url} {role} #{n.get('backendDOMNodeId')}")
    return bad


def test_every_form_field_and_button_has_an_accessible_name(pages: Pages) -> None:
    page = pages.new()
    problems: list[str] = []
    checked = 0

    def check() -> None:
        nonlocal checked
        problems.extend(unnamed_controls(page))
        checked += 1

    for path in ("/", "/login", "/register"):
        page.goto(path)
        page.locator("main form, main .card").first.wait_for()
        check()
    open_calendar(page, "workshop")  # multi-seat: the dialog has a seats field too
    check()
    page.locator('#calendar [role="gridcell"][data-status="available"]').first.click()
    expect(page.get_by_role("dialog")).to_be_visible()
    check()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Month").click()
    page.locator(".month-cell").first.wait_for()
    check()

    login(page, demo.ADMIN_EMAIL, demo.ADMIN_PASSWORD, next_path="/admin")
    page.locator("#panel table").first.wait_for()
    page.get_by_role("button", name="Edit hours and closures of Ana Alves").click()
    page.locator(".hours-row").first.wait_for()
    check()
    for tab in ("Services", "Bookings", "Notifications", "Audit trail"):
        page.get_by_role("tab", name=tab).click()
        page.locator("#panel h2").first.wait_for()
        page.wait_for_load_state("networkidle")
        check()
    page.goto("/me")
    page.locator("#upcoming").wait_for()
    check()
    assert checked == 12
    assert not problems, problems
    assert not pages.errors
