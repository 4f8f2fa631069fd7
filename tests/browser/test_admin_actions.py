"""Issue 13, the admin half, in Chromium: an admin confirms a pending booking from the
bookings list; moves a booking to another room, after which the real worker sends attendee
and provider the updated invitation (SEQUENCE + 1) to a real SMTP sink; edits a service's
duration and the booking page shows the new grid; deactivates a service, which leaves the
dashboard while its link says it is no longer offered. Screenshots of the booking actions
at a laptop and a phone size go to $BOOKER_SCREENS (default var/screenshots)."""

from __future__ import annotations

import asyncio
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psycopg
from playwright.sync_api import Page, expect

from booker import demo
from tests.browser.conftest import Pages
from tests.browser.helpers import login, open_calendar
from tests.worker.conftest import RecordingSink, SinkServer, eventually, free_port, make_worker, running

SCREENS = Path(os.environ.get("BOOKER_SCREENS", Path(__file__).resolve().parents[2] / "var" / "screenshots"))


def _sql(url: str, query: str, params: Any = ()) -> Any:
    with psycopg.connect(url, autocommit=True) as c:
        cur = c.execute(query, params)
        row = cur.fetchone() if cur.description else None
    return row[0] if row else None


def _show_booking(page: Page, reference: str) -> None:
    page.get_by_role("tab", name="Bookings").click()
    page.get_by_label("Search").fill(reference)
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#booking-results tbody tr")).to_have_count(1)


def test_admin_confirms_a_pending_booking_from_the_list(pages: Pages, demo_url: str) -> None:
    reference = _sql(demo_url, """
        SELECT b.reference FROM api.book_slot('expert-call',
            (SELECT starts_at FROM api.available_slots('expert-call', now() + interval '1 day',
                                                       now() + interval '14 days') ORDER BY 1 LIMIT 1),
            '{}', p_user => (SELECT id FROM booking.users WHERE email = 'member@example.com')) b""")
    page = pages.new()
    login(page, demo.ADMIN_EMAIL, demo.ADMIN_PASSWORD, next_path="/admin")
    _show_booking(page, reference)
    row = page.locator(f'#booking-results tr[data-reference="{reference}"]')
    expect(row).to_contain_text("Awaiting confirmation")
    row.get_by_role("button", name=f"Confirm {reference}").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("They get an email")
    dialog.get_by_role("button", name="Confirm booking").click()
    expect(page.locator("#booking-action-result")).to_have_text(f"{reference} confirmed.")
    expect(page.locator(f'#booking-results tr[data-reference="{reference}"]')).to_contain_text("Confirmed")
    assert _sql(demo_url, "SELECT status::text FROM booking.bookings WHERE reference = %s", (reference,)) \
        == "confirmed"
    approver = _sql(demo_url, "SELECT u.email FROM booking.booking_audit a"
                              " JOIN booking.bookings b ON b.id = a.booking_id"
                              " JOIN booking.users u ON u.id = a.actor"
                              " WHERE b.reference = %s AND a.action = 'approved'", (reference,))
    assert approver == demo.ADMIN_EMAIL
    assert not pages.errors


async def _deliver(app_db_url: str, wanted: list[str]) -> RecordingSink:
    """Run the real worker against a real SMTP sink until each address in `wanted` got mail."""
    sink = SinkServer(RecordingSink(), free_port())
    await sink.start()
    try:
        async with running(make_worker(app_db_url, sink.port)):
            await eventually(lambda: all(any(r.message["Subject"].startswith("Rescheduled")
                                             for r in sink.handler.to(a)) for a in wanted),
                within=20, what="the rescheduled emails")
    finally:
        await sink.stop()
    return sink.handler


def _sequence(received: Any) -> int:
    ics = next(p for p in received.message.walk() if p.get_content_type() == "text/calendar")
    found = re.search(r"^SEQUENCE:(\d+)", ics.get_content(), re.M)
    assert found, ics.get_content()
    return int(found.group(1))


def test_admin_moves_a_booking_to_another_room_and_both_get_the_new_invitation(
        pages: Pages, demo_url: str, app_db_url: str) -> None:
    # room-nyc gets a front desk address, so its provider emails have somewhere to go
    _sql(demo_url, "UPDATE booking.resources SET email = 'desk-nyc@example.com' WHERE slug = 'room-nyc'")
    booking_id, reference = _sql(demo_url, """
        SELECT ARRAY[b.id::text, b.reference] FROM api.book_slot('meeting-room',
            (SELECT s.starts_at FROM api.available_slots('meeting-room', now() + interval '1 day',
                                                         now() + interval '14 days') s
              WHERE cardinality(s.resource_ids) = 2 ORDER BY 1 LIMIT 1),
            '{"name": "Mo Move", "email": "mo@example.org"}',
            p_resource => (SELECT id FROM booking.resources WHERE slug = 'room-berlin')) b""")
    page = pages.new()
    login(page, demo.ADMIN_EMAIL, demo.ADMIN_PASSWORD, next_path="/admin")
    _show_booking(page, reference)
    page.get_by_role("button", name=f"Move {reference}").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Resource").select_option("room-nyc")
    dialog.get_by_role("button", name="Move booking").click()
    expect(page.locator("#booking-action-result")).to_contain_text(f"{reference} moved to")
    row = page.locator(f'#booking-results tr[data-reference="{reference}"]')
    expect(row).to_contain_text("Room New York")
    assert _sql(demo_url, "SELECT r.slug FROM booking.bookings b JOIN booking.resources r"
                          " ON r.id = b.resource_id WHERE b.id = %s", (booking_id,)) == "room-nyc"
    assert not pages.errors

    with ThreadPoolExecutor(1) as pool:  # Playwright's sync API owns this thread's event loop
        wanted = ["mo@example.org", "desk-nyc@example.com"]
        mail = pool.submit(asyncio.run, _deliver(app_db_url, wanted)).result()
    to_mo = mail.to("mo@example.org")
    first = next(r for r in to_mo if "confirmed" in r.message["Subject"].lower())
    moved = [r for r in to_mo if r is not first]
    assert moved, [r.message["Subject"] for r in to_mo]
    assert _sequence(moved[-1]) == _sequence(first) + 1
    desk = mail.to("desk-nyc@example.com")
    assert desk and _sequence(desk[-1]) == _sequence(first) + 1
    assert "Room New York" in moved[-1].text()


def _starts_minutes(page: Page) -> set[int]:
    """The minutes past the hour of every slot start in the calendar."""
    return set(page.evaluate("""() => [...document.querySelectorAll('#calendar [role="gridcell"][data-ms]')]
        .map((c) => new Date(Number(c.dataset.ms)).getUTCMinutes())"""))


def test_admin_edits_a_services_duration_and_the_booking_page_shows_the_new_grid(pages: Pages) -> None:
    guest = pages.new()
    open_calendar(guest, "meeting-room")
    assert _starts_minutes(guest) == {0}  # 60-minute slots on the hour
    page = pages.new()
    login(page, demo.ADMIN_EMAIL, demo.ADMIN_PASSWORD, next_path="/admin")
    page.get_by_role("tab", name="Services").click()
    page.get_by_role("button", name="Edit service Meeting room").click()
    form = page.locator("#edit-service")
    expect(form.get_by_label("Duration (minutes)")).to_have_value("60")
    form.get_by_label("Duration (minutes)").fill("30")
    form.get_by_label("Slot every (minutes)").fill("30")
    form.get_by_role("button", name="Save changes").click()
    expect(page.locator("#service-saved")).to_have_text("Service “Meeting room” saved.")
    expect(page.locator('tr[data-service="meeting-room"]')).to_contain_text("30 min")
    # a value the database refuses comes back on its field
    page.get_by_role("button", name="Edit service Meeting room").click()
    page.locator("#edit-service").get_by_label("Duration (minutes)").fill("20")
    page.locator("#edit-service").get_by_role("button", name="Save changes").click()
    expect(page.locator("#edit-duration-error")).not_to_be_empty()
    open_calendar(guest, "meeting-room")
    assert _starts_minutes(guest) == {0, 30}
    assert not pages.errors


def test_a_deactivated_service_leaves_the_dashboard_and_its_link_says_so(pages: Pages) -> None:
    page = pages.new()
    login(page, demo.ADMIN_EMAIL, demo.ADMIN_PASSWORD, next_path="/admin")
    page.get_by_role("tab", name="Services").click()
    page.get_by_role("button", name="Deactivate service Meeting room").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Bookings already made stay")
    dialog.get_by_role("button", name="Deactivate").click()
    expect(page.locator("#service-saved")).to_contain_text("Service “Meeting room” deactivated.")
    expect(page.locator('tr[data-service="meeting-room"]')).to_contain_text("Inactive")
    visitor = pages.new()
    visitor.goto("/")
    visitor.locator('.card[data-slug="consultation"]').wait_for()
    expect(visitor.locator('.card[data-slug="meeting-room"]')).to_have_count(0)
    visitor.goto("/book/meeting-room")
    expect(visitor.get_by_role("heading", name="No longer offered")).to_be_visible()
    expect(visitor.locator("#main")).to_contain_text("no longer offered")
    page.get_by_role("button", name="Reactivate service Meeting room").click()
    page.get_by_role("dialog").get_by_role("button", name="Reactivate").click()
    expect(page.locator("#service-saved")).to_contain_text("is active again")
    open_calendar(visitor, "meeting-room")
    assert not pages.errors


def test_screenshots_of_the_admin_booking_actions(pages: Pages, demo_url: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    member = _sql(demo_url, "SELECT id FROM booking.users WHERE email = 'member@example.com'")
    for slug, who, user, lead in (("expert-call", "Pat Pending", member, "1 day"),
                                  ("meeting-room", "Cy Confirmed", None, "2 days")):
        _sql(demo_url, """SELECT api.book_slot(%(slug)s, (SELECT starts_at FROM api.available_slots(%(slug)s,
                              now() + %(lead)s::interval, now() + interval '14 days') ORDER BY 1 LIMIT 1),
                              jsonb_build_object('name', %(who)s::text, 'email', 'x@example.org'),
                              p_user => %(user)s)""",
             {"slug": slug, "lead": lead, "who": who, "user": user})
    for name, width, height in (("laptop", 1280, 800), ("phone", 390, 844)):
        page = pages.new(width=width, height=height)
        login(page, demo.ADMIN_EMAIL, demo.ADMIN_PASSWORD, next_path="/admin")
        page.get_by_role("tab", name="Bookings").click()
        page.locator("#booking-results tbody tr").first.wait_for()
        page.screenshot(path=SCREENS / f"admin-bookings-{name}.png", full_page=True)
        page.locator("#booking-results").get_by_role("button", name=re.compile("^Move ")).first.click()
        page.get_by_role("dialog").wait_for()
        page.screenshot(path=SCREENS / f"admin-move-{name}.png")
        page.keyboard.press("Escape")
        page.locator("#booking-results").get_by_role("button", name=re.compile("^Cancel ")).first.click()
        page.get_by_role("dialog").wait_for()
        page.screenshot(path=SCREENS / f"admin-cancel-{name}.png")
        page.keyboard.press("Escape")
        page.get_by_role("tab", name="Services").click()
        page.get_by_role("button", name="Edit service Consultation").click()
        page.locator("#edit-service").wait_for()
        page.screenshot(path=SCREENS / f"admin-service-edit-{name}.png", full_page=True)
    assert not pages.errors


def test_admin_declines_edits_notes_and_cancels_inside_the_cutoff(pages: Pages, demo_url: str) -> None:
    member = _sql(demo_url, "SELECT id FROM booking.users WHERE email = 'member@example.com'")
    pending = _sql(demo_url, """
        SELECT b.reference FROM api.book_slot('expert-call',
            (SELECT starts_at FROM api.available_slots('expert-call', now() + interval '1 day',
                                                       now() + interval '14 days') ORDER BY 1 LIMIT 1),
            '{}', p_user => %s) b""", (member,))
    late = _sql(demo_url, """
        SELECT b.reference FROM api.book_slot('meeting-room',
            (SELECT starts_at FROM api.available_slots('meeting-room', now() + interval '1 day',
                                                       now() + interval '14 days') ORDER BY 1 LIMIT 1),
            '{"name": "Lu Late", "email": "lu@example.org"}') b""")
    # the cutoff now covers the next two weeks: the booking is inside it whatever the hour
    _sql(demo_url, "UPDATE booking.services SET cancellation_cutoff_minutes = 20160"
                   " WHERE slug = 'meeting-room'")
    page = pages.new()
    login(page, demo.ADMIN_EMAIL, demo.ADMIN_PASSWORD, next_path="/admin")

    _show_booking(page, pending)
    page.get_by_role("button", name=f"Decline {pending}").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Reason (sent to the attendee)").fill("Cara is travelling that week")
    dialog.get_by_role("button", name="Decline booking").click()
    expect(page.locator("#booking-action-result")).to_have_text(f"{pending} declined.")
    assert _sql(demo_url, "SELECT status::text || ' ' || status_reason FROM booking.bookings"
                          " WHERE reference = %s", (pending,)) == "declined Cara is travelling that week"

    _show_booking(page, late)
    page.get_by_role("button", name=f"Notes {late}").click()
    page.get_by_role("dialog").get_by_label("Notes", exact=False).fill("Needs a projector")
    page.get_by_role("dialog").get_by_role("button", name="Save notes").click()
    expect(page.locator(f'#booking-results tr[data-reference="{late}"]')).to_contain_text("Needs a projector")

    page.get_by_role("button", name=f"Cancel {late}").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("inside the service's cancellation cutoff")
    override = dialog.get_by_label("Override the cancellation cutoff", exact=False)
    expect(override).to_be_checked()
    override.uncheck()  # without the override the database refuses, and says why
    dialog.get_by_role("button", name="Cancel booking").click()
    expect(dialog).to_contain_text("cancellation closed")
    override.check()
    dialog.get_by_role("button", name="Cancel booking").click()
    expect(page.locator("#booking-action-result")).to_have_text(f"{late} cancelled.")
    page.get_by_role("button", name=f"Audit trail of {late}").click()
    expect(page.locator("#audit-results")).to_contain_text(
        "admin override: cancelled inside the 20160-minute cutoff")
    assert not pages.errors


def test_admin_edits_a_resource_and_the_database_refuses_a_capacity_drop(pages: Pages, demo_url: str) -> None:
    _sql(demo_url, """SELECT api.book_slot('limited-concert',
                          (SELECT lower(fixed_window) FROM booking.services WHERE slug = 'limited-concert'),
                          '{"name": "Vi", "email": "vi@example.org"}', p_seats => 2)""")
    page = pages.new()
    login(page, demo.ADMIN_EMAIL, demo.ADMIN_PASSWORD, next_path="/admin")
    page.get_by_role("button", name="Edit resource The Hall").click()
    form = page.locator("#edit-resource")
    form.get_by_label("Capacity (seats at once)").fill("1")
    form.get_by_role("button", name="Save resource").click()
    expect(form.locator("#er-capacity-error")).to_contain_text("upcoming booking(s) hold seats above 1")
    page.get_by_role("button", name="Edit resource Room New York").click()
    form = page.locator("#edit-resource")
    form.get_by_label("Provider account (email)").fill("nobody@example.com")
    form.get_by_role("button", name="Save resource").click()
    expect(form.locator("#er-owner-error")).to_have_text("no user with this email")
    form.get_by_label("Provider account (email)").fill("ben@example.com")
    form.get_by_label("Resource location").fill("New York, 5th floor")
    form.get_by_role("button", name="Save resource").click()
    expect(page.locator("#resource-saved")).to_have_text("Room New York saved.")
    row = page.locator('tr[data-resource="room-nyc"]')
    expect(row).to_contain_text("ben@example.com")
    expect(row).to_contain_text("New York, 5th floor")
    page.get_by_role("button", name="Deactivate resource Room New York").click()
    page.get_by_role("dialog").get_by_role("button", name="Deactivate").click()
    expect(page.locator('tr[data-resource="room-nyc"]')).to_contain_text("Inactive")
    assert not pages.errors
