"""The waitlist offer flow in Chromium (issue 16): a guest joins the waitlist of the sold-out
concert from the booking page, someone cancels, the worker sends the offer email through a
real SMTP sink, and the email's link opens a page whose button books the held seat (opening
the link changes nothing). The admin's Waitlist tab shows and reorders the line."""

from __future__ import annotations

import asyncio
import re
import threading
from typing import Any

import psycopg
from playwright.sync_api import expect

from booker import demo
from booker.settings import Settings
from tests.browser.conftest import SECRET, LiveEdge, Pages
from tests.browser.helpers import REFERENCE, login
from tests.worker.conftest import FAST, MAIL_FROM, Received, RecordingSink, SinkServer, free_port
from worker.main import Worker, WorkerConfig


def deliver(app_db_url: str, public_url: str) -> RecordingSink:
    """Run the worker until the outbox is empty, sending through a real SMTP sink on loopback
    (in a thread: the Playwright page keeps this one)."""
    handler = RecordingSink()
    failure: list[BaseException] = []

    async def go() -> None:
        server = SinkServer(handler, free_port())
        await server.start()
        try:
            settings = Settings(
                environment="test",
                secret=SECRET,
                smtp_host="127.0.0.1",
                smtp_port=server.port,
                public_url=public_url,
                mail_from=MAIL_FROM,
            )
            await Worker(app_db_url, settings, WorkerConfig(**FAST.__dict__)).run(until_idle=True)
        finally:
            await server.stop()

    def run() -> None:
        try:
            asyncio.run(go())
        except BaseException as exc:  # surfaced below
            failure.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    if failure:
        raise failure[0]
    return handler


def status(conn: psycopg.Connection[Any], sql: str, *args: Any) -> Any:
    row = conn.execute(sql, args).fetchone()
    assert row is not None
    return row[0]


def test_join_when_full_then_the_offer_email_link_books_the_seat(
    pages: Pages, edge: LiveEdge, demo_url: str, app_db_url: str
) -> None:
    with psycopg.connect(demo_url, autocommit=True) as c:
        start = status(c, "SELECT lower(fixed_window) FROM booking.services WHERE slug = 'limited-concert'")
        first = status(
            c,
            "SELECT id FROM api.book_slot('limited-concert', %s, %s::jsonb)",
            start,
            '{"name": "Ann", "email": "ann@example.com"}',
        )
        c.execute(
            "SELECT api.book_slot('limited-concert', %s, %s::jsonb)",
            (start, '{"name": "Bo", "email": "bo@example.com"}'),
        )

    page = pages.new()
    page.goto("/book/limited-concert")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")
    expect(page.locator("#cal-message")).to_contain_text("sold out")
    page.locator('#calendar [role="gridcell"][data-status="booked"]').first.click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name="Join the waitlist")).to_be_visible()
    dialog.get_by_label("Your name").fill("Wanda Wait")
    dialog.get_by_label("Email").fill("wanda@example.com")
    dialog.get_by_role("button", name="Join the waitlist").click()
    expect(dialog.locator("#wl-success")).to_contain_text("You are next in line")
    dialog.get_by_role("button", name="Done").click()

    with psycopg.connect(demo_url, autocommit=True) as c:  # someone cancels
        c.execute("SELECT api.cancel_booking(%s, NULL)", (first,))
    sink = deliver(app_db_url, edge.url)
    [offer] = sink.to("wanda@example.com")
    assert isinstance(offer, Received)
    found = re.search(
        rf"{re.escape(edge.url)}(/waitlist/offer/([0-9a-f-]+)\?token=[A-Za-z0-9_-]+)", offer.text()
    )
    assert found, offer.text()
    hold = found.group(2)

    page.goto(found.group(1))
    expect(page.get_by_role("heading", name="A seat is free for you")).to_be_visible()
    with psycopg.connect(demo_url, autocommit=True) as c:  # opening the link changed nothing
        assert status(c, "SELECT status::text FROM booking.bookings WHERE id = %s", hold) == "held"
    page.get_by_role("button", name="Book this seat").click()
    expect(page.get_by_role("heading", name="Booking confirmed \u2013 email sent")).to_be_visible()
    reference = page.locator("#booking-reference").inner_text().strip()
    assert REFERENCE.match(reference)
    with psycopg.connect(demo_url, autocommit=True) as c:
        assert status(c, "SELECT status::text FROM booking.bookings WHERE id = %s", hold) == "confirmed"
        assert status(c, "SELECT reference FROM booking.bookings WHERE id = %s", hold) == reference
        assert status(c, "SELECT status FROM booking.waitlist_entries WHERE offer_id = %s", hold) == "booked"
    page.reload()  # the link again: booked, nothing left to do
    expect(page.get_by_role("heading", name="You have booked this seat")).to_be_visible()
    assert pages.errors == []


def test_a_member_joins_in_one_click_and_the_admin_reorders_the_line(pages: Pages, demo_url: str) -> None:
    with psycopg.connect(demo_url, autocommit=True) as c:
        start = status(c, "SELECT lower(fixed_window) FROM booking.services WHERE slug = 'limited-concert'")
        for n in range(2):
            attendee = f'{{"name": "B", "email": "b{n}@example.com"}}'
            c.execute("SELECT api.book_slot('limited-concert', %s, %s::jsonb)", (start, attendee))
        early = '{"name": "Early Bird", "email": "early@example.com"}'
        c.execute("SELECT api.join_waitlist('limited-concert', %s, %s::jsonb)", (start, early))

    page = pages.new()
    login(page, demo.MEMBER_EMAIL, demo.MEMBER_PASSWORD, next_path="/book/limited-concert")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")
    page.locator("#join-waitlist").click()  # the sold-out notice's button
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Your name")).to_have_count(0)  # a member gives nothing
    dialog.locator("#wl-join").click()
    expect(dialog.locator("#wl-success")).to_contain_text("number 2 in line")

    admin = pages.new()
    login(admin, demo.ADMIN_EMAIL, demo.ADMIN_PASSWORD, next_path="/admin")
    admin.get_by_role("tab", name="Waitlist").click()
    rows = admin.locator("#wl-results tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Early Bird")
    admin.get_by_role("button", name=re.compile("Move .* up")).click()
    expect(rows.nth(0)).not_to_contain_text("Early Bird")
    expect(rows.nth(1)).to_contain_text("Early Bird")
    with psycopg.connect(demo_url, autocommit=True) as c:
        first = "SELECT name FROM booking.waitlist_entries WHERE status = 'waiting' ORDER BY position LIMIT 1"
        assert status(c, first) != "Early Bird"
    assert pages.errors == []


def test_a_member_sees_the_waitlist_on_me_takes_the_offer_link_or_leaves(pages: Pages, demo_url: str) -> None:
    """/me lists the member's places in line; when a seat is offered it says until when and
    links to the offer page; "Leave" turns the offer down and the seat goes back to the line."""
    with psycopg.connect(demo_url, autocommit=True) as c:
        start = status(c, "SELECT lower(fixed_window) FROM booking.services WHERE slug = 'limited-concert'")
        sold = [status(c, "SELECT id FROM api.book_slot('limited-concert', %s, %s::jsonb)", start,
                       f'{{"name": "B", "email": "b{n}@example.com"}}') for n in range(2)]
        c.execute("SELECT api.join_waitlist('limited-concert', %s, %s::jsonb)",
                  (start, '{"name": "Early Bird", "email": "early@example.com"}'))
        member = status(c, "SELECT id FROM booking.users WHERE email = %s", demo.MEMBER_EMAIL)
        entry = status(c, "SELECT api.join_waitlist('limited-concert', %s, p_user => %s) ->> 'id'",
                       start, member)

    page = pages.new()
    login(page, demo.MEMBER_EMAIL, demo.MEMBER_PASSWORD, next_path="/me")
    mine = page.locator(f'#my-waitlist li[data-waitlist="{entry}"]')
    expect(mine).to_contain_text("number 2 in line")
    expect(mine.get_by_role("link", name="Book this seat")).to_have_count(0)

    with psycopg.connect(demo_url, autocommit=True) as c:  # both seats free up: the line is offered them
        for booking in sold:
            c.execute("SELECT api.cancel_booking(%s, NULL)", (booking,))
        hold = status(c, "SELECT offer_id FROM booking.waitlist_entries WHERE id = %s", entry)
    page.reload()
    expect(mine).to_contain_text("A seat is held for you until")
    offer_link = mine.get_by_role("link", name="Book this seat")
    expect(offer_link).to_have_attribute("href", f"/waitlist/offer/{hold}")

    mine.get_by_role("button", name=re.compile("Leave the waitlist for")).click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("goes to the next person in line")
    dialog.get_by_role("button", name="Leave the waitlist").click()
    expect(page.locator("#my-waitlist")).to_contain_text("You are not on any waitlist.")
    with psycopg.connect(demo_url, autocommit=True) as c:
        assert status(c, "SELECT status FROM booking.waitlist_entries WHERE id = %s", entry) == "declined"
        assert status(c, "SELECT status::text FROM booking.bookings WHERE id = %s", hold) == "cancelled"
    assert pages.errors == []
