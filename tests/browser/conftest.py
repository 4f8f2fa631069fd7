"""Browser fixtures: a live edge on a real socket (demo data, booker_app role) and the
system Chromium driven by Playwright. Never downloads a browser."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

from booker.settings import Settings
from edge.app import create_app

CHROMIUM = "/usr/bin/chromium"
expect.set_options(timeout=10_000)  # a loaded 2-core machine is slow; the 2-second live check sets its own
SECRET = "browser-test-secret-0123456789-0123456789"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


class LiveEdge:
    """The edge app served by aiohttp on 127.0.0.1 in a thread with its own event loop."""

    def __init__(self, database_url: str, **settings: object) -> None:
        self.database_url = database_url
        self.settings = settings  # Settings fields to override (e.g. frame_ancestors)
        self.loop = asyncio.new_event_loop()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.ready = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="live-edge", daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        settings = Settings(**{"environment": "test", "secret": SECRET, "db_pool_size": 4,  # type: ignore[arg-type]
                               "public_url": "http://127.0.0.1", **self.settings})
        runner = web.AppRunner(create_app(settings, database_url=self.database_url), shutdown_timeout=0.2)
        try:
            self.loop.run_until_complete(runner.setup())
            self.loop.run_until_complete(web.SockSite(runner, self.sock).start())
        except BaseException as e:  # surfaced in the test thread
            self.error = e
            self.ready.set()
            return
        self.ready.set()
        try:
            self.loop.run_forever()
        finally:
            self.loop.run_until_complete(runner.cleanup())
            self.loop.run_until_complete(self.loop.shutdown_asyncgens())
            self.loop.close()

    def start(self) -> LiveEdge:
        self.thread.start()
        self.ready.wait(30)
        if self.error:
            raise self.error
        return self

    def stop(self) -> None:
        if self.loop.is_running():
            self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.sock.close()


@pytest.fixture
def edge(demo_url: str, app_db_url: str) -> Iterator[LiveEdge]:
    server = LiveEdge(app_db_url).start()
    yield server
    server.stop()


# Module scope, not session or package: Playwright's sync API keeps an event loop running in
# this thread while it is open, which would break every asyncio test collected after it
# (tests/browser/test_pages.py, tests/edge, ...). A launch costs about a second per module.
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    b = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
    yield b
    b.close()


class Pages:
    """New isolated browser contexts (separate cookies and storage) against the live edge."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.contexts: list[BrowserContext] = []
        self.errors: list[str] = []

    def new(self, width: int = 1280, height: int = 900, timezone: str = "Europe/Berlin") -> Page:
        ctx = self.browser.new_context(base_url=self.base_url, viewport={"width": width, "height": height},
                                       timezone_id=timezone, locale="en-GB")
        ctx.set_default_timeout(10_000)
        self.contexts.append(ctx)
        page = ctx.new_page()
        page.on("pageerror", lambda e: self.errors.append(f"{page.url}: {e}"))
        # Expected HTTP errors (409, 401 …) show as "Failed to load resource"; anything else is a bug.
        page.on("console", lambda m: m.type == "error" and not m.text.startswith("Failed to load resource")
                and self.errors.append(f"{page.url}: {m.text}"))
        return page

    def close(self) -> None:
        for ctx in self.contexts:
            ctx.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    if report.when == "call":
        item.stash[FAILED] = report.failed
    return report


FAILED = pytest.StashKey[bool]()


@pytest.fixture
def pages(browser: Browser, edge: LiveEdge, request: pytest.FixtureRequest) -> Iterator[Pages]:
    p = Pages(browser, edge.url)
    yield p
    if request.node.stash.get(FAILED, False):  # keep what the browser showed, for the post-mortem
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for i, ctx in enumerate(p.contexts):
            for j, page in enumerate(ctx.pages):
                page.screenshot(path=SCREENSHOTS / f"failed-{request.node.name}-{i}-{j}.png", full_page=True)
    p.close()
