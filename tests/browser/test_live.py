"""Live updates in the browser: a slot booked elsewhere turns red without a reload, a stale
view gets the conflict message, and the concert card turns "Sold out" on the dashboard."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
from playwright.sync_api import Page, WebSocketRoute, expect

from tests.browser.conftest import SCREENSHOTS, Pages
from tests.browser.helpers import FREE_CELL, book_open_dialog, cell, first_free, open_calendar

pytestmark = pytest.mark.browser


class FeedSwitch:
    """Relays a page's live WebSocket through the test, which can hold back what the server
    sends: the page then has a stale calendar, as if the event were still in flight."""

    def __init__(self, page: Page) -> None:
        self.paused = False
        self.held: list[Any] = []
        self.sent: list[dict[str, Any]] = []  # what the page sent, e.g. its subscriptions
        self.current: WebSocketRoute | None = None
        page.route_web_socket("**/api/v1/live", self._route)

    def drop(self) -> None:
        """Cut the page's connection, as a network blip would."""
        assert self.current
        self.current.close(code=1001, reason="test")

    def _route(self, ws: WebSocketRoute) -> None:
        self.current = ws
        server = ws.connect_to_server()

        def forward(message: Any) -> None:
            self.sent.append(json.loads(message))
            server.send(message)

        ws.on_message(forward)

        def deliver(message: Any) -> None:
            if self.paused:
                self.held.append(message)
            else:
                ws.send(message)

        server.on_message(deliver)


def guest_books(page: Page, ms: str, who: str) -> str:
    cell(page, ms).click()
    reference = book_open_dialog(page, name=who.title(), email=f"{who}@example.org")
    page.get_by_role("button", name="Done").click()
    return reference


def test_a_slot_booked_elsewhere_turns_red_and_a_stale_try_gets_the_conflict(pages: Pages) -> None:
    alice = pages.new()
    bob = pages.new(width=768)
    bob_feed = FeedSwitch(bob)
    open_calendar(alice, "meeting-room")
    open_calendar(bob, "meeting-room")
    # Early Berlin mornings: only room-berlin is open (New York is asleep), so one booking fills the slot.
    x, z, y = (alice.locator(FREE_CELL).nth(i).get_attribute("data-ms") or "" for i in range(3))

    # 1. Alice books X: it turns red in Bob's calendar within two seconds, without a reload.
    guest_books(alice, x, "alice")
    started = time.monotonic()
    expect(cell(bob, x)).to_have_attribute("data-status", "booked", timeout=2000)
    assert time.monotonic() - started < 2
    expect(cell(bob, x)).to_contain_text("Booked")

    # 2. Bob looks at Z in the dialog while Alice books it: Confirm disables with the message.
    cell(bob, z).click()
    bob_dialog = bob.get_by_role("dialog")
    expect(bob_dialog.get_by_role("button", name="Confirm booking")).to_be_enabled()
    guest_books(alice, z, "alice")
    expect(bob_dialog).to_contain_text("This slot was just booked by someone else")
    expect(bob_dialog.get_by_role("button", name="Confirm booking")).to_be_disabled()
    bob.keyboard.press("Escape")
    expect(bob_dialog).to_have_count(0)

    # 3. Bob's view is stale (the event is held back) when he tries Y, which Alice just took:
    #    the server answers 409, Bob sees the conflict message and a refreshed calendar.
    bob_feed.paused = True
    guest_books(alice, y, "alice")
    expect(cell(bob, y)).to_have_attribute("data-status", "available")
    cell(bob, y).click()
    bob_dialog.get_by_label("Your name").fill("Bob")
    bob_dialog.get_by_label("Email").fill("bob@example.org")
    bob_dialog.get_by_role("button", name="Confirm booking").click()
    expect(bob_dialog.get_by_role("alert")).to_have_text("Slot just got booked by another user")
    expect(bob_dialog.get_by_role("button", name="Confirm booking")).to_be_disabled()
    expect(cell(bob, y)).to_have_attribute("data-status", "booked")  # refetched over HTTP, feed still held
    assert bob_feed.held, "the test held back the live event"

    # 4. Bob's connection drops while Alice books W; Bob reconnects with `since` and the
    #    server replays the change he missed: W turns red with no reload.
    w = bob.locator(FREE_CELL).nth(0).get_attribute("data-ms") or ""
    guest_books(alice, w, "alice")
    expect(cell(bob, w)).to_have_attribute("data-status", "available")  # the event is held back
    bob_feed.paused = False
    bob_feed.drop()
    expect(cell(bob, w)).to_have_attribute("data-status", "booked")
    resumed = [m for m in bob_feed.sent if m.get("op") == "subscribe"][-1]
    assert isinstance(resumed.get("since"), int) and resumed["since"] > 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    bob.screenshot(path=SCREENSHOTS / "live-conflict-768.png", full_page=True)
    assert not pages.errors


def test_the_last_two_concert_seats_sell_and_the_dashboard_card_turns_sold_out(pages: Pages) -> None:
    watcher = pages.new(width=375)
    watcher.goto("/")
    badge = watcher.locator('[data-slug="limited-concert"] .badge')
    expect(badge).to_have_text("●2 seats left")
    expect(badge).to_have_attribute("data-level", "green")
    expect(watcher.locator("#live-status")).to_have_attribute("data-state", "live")
    # Search is debounced and filters the cards; an unknown word shows the empty state.
    watcher.get_by_label("Search").fill("nothing-like-this")
    expect(watcher.locator("#empty")).to_contain_text("No services match")
    watcher.get_by_label("Search").fill("concert")
    expect(watcher.locator(".card")).to_have_count(1)
    watcher.get_by_label("Sort by").select_option("price:desc")
    expect(badge).to_have_text("●2 seats left")
    expect(watcher.locator("#live-status")).to_have_attribute("data-state", "live")

    buyers = [pages.new(), pages.new()]
    for i, buyer in enumerate(buyers):
        open_calendar(buyer, "limited-concert")
        first_free(buyer).click()
        dialog = buyer.get_by_role("dialog")
        dialog.get_by_label("Your name").fill(f"Buyer {i}")
        dialog.get_by_label("Email").fill(f"buyer{i}@example.org")
    # Both confirm at (nearly) the same moment; there are exactly two seats.
    for buyer in buyers:
        buyer.get_by_role("dialog").get_by_role("button", name="Confirm booking").click()
    for buyer in buyers:
        expect(buyer.locator("#booking-reference")).to_have_text(re.compile(r"^BK-"))

    expect(badge).to_have_text("✕ Sold out")
    expect(badge).to_have_attribute("data-level", "grey")
    # And the buyers' calendars show the slot booked.
    expect(buyers[0].locator('#calendar [role="gridcell"][data-status="booked"]')).to_have_count(1)
    assert not pages.errors
