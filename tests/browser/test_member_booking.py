"""Browser flows of issue 14's booking page: the choice of resource, reschedule in the
calendar, zones, the cutoff and limits, the live fallback and the small ones."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import psycopg
import pytest
from playwright.sync_api import expect

from booker import demo
from booker.manage import manage_token
from tests.browser.conftest import SECRET, Pages
from tests.browser.helpers import (
    FREE_CELL,
    book_open_dialog,
    cell,
    first_free,
    guest_booking,
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


def _sql(db_url: str, query: str, params: tuple[object, ...] = ()) -> None:
    with psycopg.connect(db_url) as c:
        c.execute(query, params)


def test_the_zone_chosen_on_the_booking_page_is_recorded_and_honoured_by_me_and_the_dashboard(
        pages: Pages, demo_url: str) -> None:
    page = pages.new()  # the browser is in Europe/Berlin
    login(page, demo.MEMBER_EMAIL, demo.MEMBER_PASSWORD, next_path="/book/meeting-room")
    page.locator(FREE_CELL).first.wait_for()
    page.get_by_label("Time zone").select_option("America/New_York")
    expect(page.locator("#tz-name")).to_contain_text("America/New_York")
    first_free(page).click()
    reference = book_open_dialog(page)
    with psycopg.connect(demo_url) as c:
        row = c.execute("SELECT attendee_timezone FROM booking.bookings WHERE reference = %s",
                        (reference,)).fetchone()
    assert row == ("America/New_York",)
    page.goto("/me")
    expect(page.get_by_text("Times shown in America/New_York")).to_be_visible()
    page.goto("/")
    zone = page.evaluate("""() => new Intl.DateTimeFormat("en-GB", {timeZone: "America/New_York",
        timeZoneName: "short"}).formatToParts(new Date()).find((p) => p.type === "timeZoneName").value""")
    expect(page.locator('.card[data-slug="meeting-room"] .when')).to_contain_text(f"({zone}")
    assert not pages.errors


def test_the_dialog_says_until_when_it_can_be_cancelled_and_me_follows_the_real_state(
        pages: Pages, demo_url: str) -> None:
    page = pages.new()
    login(page, demo.MEMBER_EMAIL, demo.MEMBER_PASSWORD, next_path="/book/meeting-room")
    page.locator(FREE_CELL).first.wait_for()
    first_free(page).click()  # >= 3 hours ahead, the cutoff is 60 minutes
    cutoff = page.get_by_role("dialog").locator("#dlg-cutoff")
    expect(cutoff).to_contain_text("Free cancellation or change online until")
    expect(cutoff).to_contain_text("60 minutes before the start")
    page.get_by_role("dialog").get_by_role("button", name="Cancel").click()
    # a booking made inside the cutoff: never cancellable online, and /me says so (not "closed on")
    _sql(demo_url, "UPDATE booking.services SET cancellation_cutoff_minutes = 43200"
                   " WHERE slug = 'meeting-room'")
    with psycopg.connect(demo_url) as c:
        row = c.execute("""SELECT b.reference FROM api.book_slot('meeting-room',
                               (SELECT starts_at FROM api.available_slots(
                                    'meeting-room', now() + interval '1 day', now() + interval '14 days')
                                 ORDER BY starts_at LIMIT 1),
                               p_user => (SELECT id FROM booking.users WHERE email = %s)) b""",
                        (demo.MEMBER_EMAIL,)).fetchone()
    assert row
    page.goto("/me")
    item = page.locator(f'.booking-item[data-reference="{row[0]}"]')
    expect(item.locator(".cutoff")).to_contain_text("was made less than")
    expect(item.locator(".cutoff")).not_to_contain_text("closed on")
    expect(item.get_by_role("button", name="Cancel")).to_have_count(0)
    assert not pages.errors


def test_a_member_sees_their_booking_on_the_card_and_the_limit_refuses_a_second(
        pages: Pages, demo_url: str) -> None:
    _sql(demo_url, "UPDATE booking.services SET max_active_per_attendee = 1 WHERE slug = 'workshop'")
    page = pages.new()
    login(page, demo.MEMBER_EMAIL, demo.MEMBER_PASSWORD, next_path="/book/workshop")
    page.locator(FREE_CELL).first.wait_for()
    expect(page.locator("#mine-notice")).to_have_count(0)
    page.locator(FREE_CELL).first.click()
    reference = book_open_dialog(page)
    page.goto("/")
    card = page.locator('.card[data-slug="workshop"]')
    expect(card.locator(".mine")).to_contain_text("You have a booking")
    expect(card.locator('[data-state="booked"]')).to_have_text("✓ Booked")
    expect(card.get_by_role("link", name="Book Saturday workshop")).to_have_count(0)
    page.goto("/book/workshop")
    expect(page.locator("#mine-notice")).to_contain_text(reference)
    page.locator(FREE_CELL).first.click()
    dialog = page.get_by_role("dialog")
    expect(dialog.locator("#dlg-mine")).to_contain_text("the most one person may have (1)")
    expect(dialog.locator("#confirm")).to_be_disabled()
    # a guest with the same email twice: the database refuses, the dialog names the rule
    guest = pages.new()
    open_calendar(guest, "workshop")
    for attempt in range(2):
        guest.locator(FREE_CELL).first.click()
        gd = guest.get_by_role("dialog")
        gd.get_by_label("Your name").fill("Gil Guest")
        gd.get_by_label("Email").fill("gil@example.org")
        gd.get_by_role("button", name="Confirm booking").click()
        if attempt == 0:
            expect(gd.get_by_role("heading", name="Booking confirmed \u2013 email sent")).to_be_visible()
            gd.get_by_role("button", name="Done").click()
        else:
            expect(gd.locator("#dlg-message")).to_contain_text("at most 1 active booking per attendee")
    assert not pages.errors


def test_a_sold_out_event_card_has_no_active_book(pages: Pages, demo_url: str) -> None:
    with psycopg.connect(demo_url) as c:
        c.execute("""SELECT api.book_slot('limited-concert', (SELECT lower(fixed_window) FROM booking.services
                                                               WHERE slug = 'limited-concert'),
                                          '{"name": "Sam", "email": "sam@example.org"}', p_seats => 2)""")
    page = pages.new()
    page.goto("/")
    card = page.locator('.card[data-slug="limited-concert"]')
    expect(card.locator('[data-state="sold-out"]')).to_have_attribute("aria-disabled", "true")
    expect(card.get_by_role("link", name="Book Limited concert")).to_have_count(0)
    other = page.locator('.card[data-slug="consultation"]')
    expect(other.get_by_role("link", name="Book Consultation")).to_be_visible()
    assert not pages.errors


def test_month_view_opens_on_the_current_month_and_changing_period_shows_loading(pages: Pages) -> None:
    page = pages.new()
    open_calendar(page, "consultation")
    page.get_by_role("button", name="Month").click()
    month = page.evaluate("""() => new Intl.DateTimeFormat(undefined, {month: "long", year: "numeric",
        timeZone: "Europe/Berlin"}).format(new Date())""")
    expect(page.locator("#period")).to_have_text(month)
    today = page.evaluate("""() => new Intl.DateTimeFormat("en-CA", {timeZone: "Europe/Berlin"})
        .format(new Date())""")
    expect(page.locator(f'#calendar [data-day="{today}"]')).not_to_have_class(re.compile(r"\bpast\b"))
    # a slow answer: the period change says it is loading until the slots arrive
    release: list[object] = []

    def slow(route: object) -> None:
        release.append(route)

    page.route("**/slots?*", slow)
    page.get_by_role("button", name="Next month").click()
    expect(page.locator("#cal-loading")).to_have_text("Loading times…")
    expect(page.locator("#calendar-wrap")).to_have_attribute("aria-busy", "true")
    for route in release:
        route.continue_()  # type: ignore[attr-defined]
    page.unroute("**/slots?*")
    expect(page.locator("#cal-loading")).to_have_text("")
    expect(page.locator("#calendar-wrap")).not_to_have_attribute("aria-busy", "true")
    assert not pages.errors


@pytest.mark.parametrize("blocked", ["websocket", "websocket+sse"])
def test_the_calendar_falls_back_when_the_websocket_is_blocked(
        pages: Pages, demo_url: str, blocked: str) -> None:
    """The grid is filtered to Room Berlin, so booking it elsewhere turns that very slot booked."""
    page = pages.new()
    page.route_web_socket("**/api/v1/live", lambda ws: ws.close())
    if blocked == "websocket+sse":
        page.route("**/events*", lambda route: route.abort())
    page.goto("/book/meeting-room?resource=room-berlin")
    want = "sse" if blocked == "websocket" else "polling"
    expect(page.locator("#live-status")).to_have_attribute("data-state", want, timeout=15_000)
    expect(page.locator("#live-status")).to_contain_text(
        "Server-Sent Events" if want == "sse" else "checking for changes every 3 seconds")
    page.locator(FREE_CELL).first.wait_for()
    slot = first_free(page)
    ms = slot.get_attribute("data-ms")
    starts_at = slot.get_attribute("data-starts-at")
    assert ms and starts_at
    _book_sql(demo_url, "meeting-room", starts_at, "room-berlin", "elsewhere@example.org")
    expect(cell(page, ms)).to_have_attribute("data-status", "booked", timeout=8_000)
    assert not pages.errors


def _tab_to(page: Any, predicate: str, limit: int = 60) -> None:
    """Press Tab until the focused element satisfies the JS predicate (el) => bool."""
    for _ in range(limit):
        if page.evaluate(f"(({predicate}))(document.activeElement)"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"never focused: {predicate}")


def test_keyboard_only_choose_a_person_and_book(pages: Pages, demo_url: str) -> None:
    page = pages.new()
    open_calendar(page, "consultation")
    _tab_to(page, "(el) => el.id === 'resource'")
    page.keyboard.press("ArrowDown")  # "Any available" -> the first person
    expect(page.locator("#resource")).to_have_value("provider-ana")
    expect(page).to_have_url(re.compile(r"resource=provider-ana"))
    page.locator(FREE_CELL).first.wait_for()
    _tab_to(page, "(el) => el.getAttribute('role') === 'gridcell'")  # the roving cell: the first free one
    start = page.evaluate("[document.activeElement.dataset.ms, document.activeElement.dataset.col]")
    assert page.evaluate("document.activeElement.dataset.status") == "available"
    there, back = ("ArrowRight", "ArrowLeft") if start[1] != "6" else ("ArrowLeft", "ArrowRight")
    page.keyboard.press(there)
    assert page.evaluate("document.activeElement.dataset.col") != start[1]
    page.keyboard.press(back)
    assert page.evaluate("document.activeElement.dataset.ms") == start[0]
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog.locator("#dlg-resource")).to_have_text("Ana Alves (Berlin)")
    _tab_to(page, "(el) => el.id === 'attendee-name'")
    page.keyboard.type("Kim Keys")
    page.keyboard.press("Tab")
    page.keyboard.type("kim@example.org")
    page.keyboard.press("Enter")
    expect(dialog.get_by_role("heading", name="Booking confirmed \u2013 email sent")).to_be_visible()
    reference = dialog.locator("#booking-reference").inner_text().strip()
    assert _resource_of(demo_url, reference) == "provider-ana"
    expect(page.locator("#dlg-close")).to_be_focused()
    assert not pages.errors


def test_a_guest_moves_a_booking_on_a_phone(pages: Pages, demo_url: str) -> None:
    booking_id = guest_booking(demo_url, "Pat Phone", "pat@example.org")
    page = pages.new(width=390, height=844)
    page.goto(f"/book/manage/{booking_id}?token={manage_token(SECRET, booking_id)}")
    page.get_by_role("link", name="Change time").click()
    expect(page.locator("#move-banner")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1  # no sideways scrolling
    new_start = move_in_calendar(page)
    page.get_by_role("dialog").get_by_role("link", name="Back to your booking").click()
    expect(page.locator("#manage-status")).to_have_text("Confirmed")
    with psycopg.connect(demo_url) as c:
        row = c.execute("SELECT starts_at FROM booking.bookings WHERE id = %s", (booking_id,)).fetchone()
    assert row and row[0] == dt.datetime.fromisoformat(new_start)
    assert not pages.errors


def test_a_guest_reads_their_booking_in_the_zone_they_booked_in(pages: Pages) -> None:
    page = pages.new()
    open_calendar(page, "consultation")
    page.get_by_label("Time zone").select_option("America/New_York")
    first_free(page).click()
    book_open_dialog(page, name="Zoe Zone", email="zoe@example.org")
    page.get_by_role("dialog").locator("#manage-link").click()
    expect(page.locator("#manage-when")).to_contain_text("(America/New_York")
    assert not pages.errors
