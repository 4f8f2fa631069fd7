"""The embeddable widget (issue 16): a plain HTML page served from another origin on
loopback embeds the booking calendar with the <script> snippet; the frame sizes itself
to its content, shows live changes, and books through it."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import socket
import threading
from collections.abc import Iterator

import psycopg
import pytest
from aiohttp import web
from playwright.sync_api import Browser, expect

from tests.browser.conftest import LiveEdge, Pages
from tests.browser.helpers import FREE_CELL, book_open_dialog


class HostSite:
    """Another site: one static page on localhost (another origin than the edge's 127.0.0.1)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.origin = f"http://localhost:{self.port}"
        self.html = ""
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.ready = threading.Event()

    async def page(self, request: web.Request) -> web.Response:
        return web.Response(text=self.html, content_type="text/html")

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        app = web.Application()
        app.router.add_get("/", self.page)
        runner = web.AppRunner(app)
        self.loop.run_until_complete(runner.setup())
        self.loop.run_until_complete(web.SockSite(runner, self.sock).start())
        self.ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(runner.cleanup())
        self.loop.close()  # its self-pipe sockets, else a ResourceWarning lands on a later test

    def start(self) -> HostSite:
        self.thread.start()
        self.ready.wait(10)
        return self

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.sock.close()


@pytest.fixture
def site() -> Iterator[HostSite]:
    s = HostSite().start()
    yield s
    s.stop()


@pytest.fixture
def framed_edge(demo_url: str, app_db_url: str, site: HostSite) -> Iterator[LiveEdge]:
    server = LiveEdge(app_db_url, frame_ancestors=(site.origin,)).start()
    yield server
    server.stop()


def test_widget_on_another_site_books_and_updates_live(browser: Browser, framed_edge: LiveEdge,
                                                       site: HostSite, demo_url: str) -> None:
    site.html = f"""<!doctype html><html><head><title>Shop</title></head><body>
      <h1>Our shop</h1><p>Book a consultation:</p>
      <script src="{framed_edge.url}/embed.js" data-service="consultation"></script>
      <p id="after">Below the widget</p></body></html>"""
    pages = Pages(browser, site.origin)
    try:
        page = pages.new()
        page.goto("/")
        frame = page.frame_locator("iframe.booker-embed")
        expect(frame.locator("#live-status")).to_have_attribute("data-state", "live")
        frame.locator(FREE_CELL).first.wait_for()
        expect(frame.locator("#site-header")).to_be_hidden()  # no site frame inside the widget

        # sized to its content: the frame grew past its 320 px start to its document's height
        inner = page.frame(url=re.compile(r"/embed/consultation$"))
        assert inner is not None
        content = inner.evaluate("() => Math.ceil(document.body.getBoundingClientRect().height)")
        page.wait_for_function(
            "(h) => Math.abs(document.querySelector('iframe.booker-embed')"
            ".getBoundingClientRect().height - h) <= 2",
            arg=content)
        assert content > 320

        # live: a booking made elsewhere shows in the widget
        soon = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=3)).timestamp() * 1000
        free = inner.evaluate(
            """([sel, t]) => [...document.querySelectorAll(sel)].map((c) => c.dataset.ms)
                   .filter((ms) => Number(ms) >= t).slice(0, 2)""", [FREE_CELL, soon])
        assert len(free) == 2, "two free slots 3 h ahead in the week shown"
        taken_elsewhere, mine = free
        with psycopg.connect(demo_url) as c:  # the team has two people: both are booked
            for who in ("one", "two"):
                c.execute("SELECT api.book_slot('consultation', to_timestamp(%s / 1000.0), "
                          "jsonb_build_object('name', %s::text, 'email', %s::text))",
                          (int(taken_elsewhere), who, f"{who}@example.net"))
        expect(frame.locator(f'#calendar [role="gridcell"][data-ms="{taken_elsewhere}"]')
               ).to_have_attribute("data-status", "booked")

        # book through the widget
        frame.locator(f'#calendar [role="gridcell"][data-ms="{mine}"]').click()
        dialog = frame.get_by_role("dialog")
        expect(dialog).to_be_visible()
        reference = book_open_dialog(inner, name="Frida Frame", email="frida@example.net")  # type: ignore[arg-type]
        with psycopg.connect(demo_url) as c:
            row = c.execute("SELECT status::text, attendee_email FROM booking.bookings WHERE reference = %s",
                            (reference,)).fetchone()
        assert row == ("confirmed", "frida@example.net")
        assert pages.errors == []
    finally:
        pages.close()


def test_frame_ancestors_is_the_setting(pages: Pages) -> None:
    """The test edge sets no BOOKER_FRAME_ANCESTORS: outside development no site may frame it."""
    page = pages.new()
    resp = page.goto("/embed/consultation")
    assert resp is not None and "frame-ancestors 'none'" in resp.headers["content-security-policy"]
    script = page.request.get("/embed.js")
    assert script.ok and "javascript" in script.headers["content-type"]


def test_admin_integrations_and_my_calendar_links(pages: Pages, edge: LiveEdge, demo_url: str) -> None:
    """Admin → Integrations: register a webhook (the secret shown once), its delivery log
    with redelivery; the embed snippet of a service; a resource's feed. /me: my webcal link."""
    from booker import demo
    from tests.browser.helpers import login
    from tests.browser.test_accessibility import unnamed_controls

    page = pages.new()
    login(page, demo.ADMIN_EMAIL, demo.ADMIN_PASSWORD, next_path="/admin#integrations")
    page.get_by_role("tab", name="Integrations").click()
    page.get_by_label("URL").fill("https://crm.example/hooks/booker")
    page.get_by_role("button", name="Add endpoint").click()
    expect(page.locator("#new-secret")).to_contain_text("whsec_")
    row = page.locator('tr[data-endpoint]')
    expect(row).to_contain_text("crm.example")
    with psycopg.connect(demo_url) as c:  # an event for it
        c.execute("""SELECT api.book_slot('meeting-room', (SELECT starts_at FROM api.available_slots(
                         'meeting-room', now() + interval '1 day', now() + interval '14 days') LIMIT 1),
                         '{"name": "Hook", "email": "hook@example.net"}')""")
    row.get_by_role("button", name="Deliveries").click()
    delivery = page.locator("tr[data-delivery]").filter(has_text="booking.created")
    expect(delivery).to_contain_text("pending")  # this endpoint is not reachable from here
    delivery.get_by_role("button", name=re.compile("^Redeliver")).click()
    expect(page.locator("tr[data-delivery]")).to_have_count(3)  # created, confirmed, the redelivery
    expect(page.locator("#embed-script-consultation")).to_contain_text(
        f'{edge.url}/embed.js" data-service="consultation"')
    feed_row = page.locator("#feeds-section tr[data-resource]").first
    feed_row.get_by_role("button", name="Show URL").click()
    expect(feed_row.get_by_role("link", name="Subscribe (webcal)")).to_have_attribute("href", re.compile("^webcal://"))
    assert unnamed_controls(page) == []

    page.goto("/me")
    page.get_by_role("button", name="Create subscription link").click()
    link = page.locator('#calendar-feeds [data-feed="member"] a.feed-link')
    expect(link).to_have_attribute("href", re.compile(r"^webcal://.*/calendar/cal_[0-9a-f]{64}\.ics$"))
    assert unnamed_controls(page) == []
    assert pages.errors == []
