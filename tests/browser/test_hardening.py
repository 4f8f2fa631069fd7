"""The web client's part of issue 9: after sign-in, ?next= may only lead to a page of this
site (no open redirect); writes on bookings carry an Idempotency-Key."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import expect

from booker import demo
from booker.manage import manage_token
from tests.browser.conftest import SECRET, LiveEdge, Pages
from tests.browser.helpers import guest_booking, login, move_in_calendar


def test_next_stays_on_this_site(pages: Pages, edge: LiveEdge) -> None:
    # "/\evil.example/x" and "/<TAB>/evil.example/x" are "//evil.example/x" to a browser's URL parser
    for hostile in ("/%5Cevil.example/x", "/%09/evil.example/x", "/%5C%5Cevil.example", "//evil.example",
                    "https://evil.example/", "/%2F/evil.example", "javascript:alert(1)"):
        page = pages.new()
        login(page, demo.MEMBER_EMAIL, demo.MEMBER_PASSWORD, next_path=hostile)
        here = urlsplit(page.url)
        assert f"{here.scheme}://{here.netloc}" == edge.url, (hostile, page.url)
        assert here.path == "/me", (hostile, page.url)
    page = pages.new()
    login(page, demo.MEMBER_EMAIL, demo.MEMBER_PASSWORD, next_path="/book/consultation%3Fday%3D1")
    assert page.url == f"{edge.url}/book/consultation?day=1"
    assert not pages.errors, pages.errors


def test_writes_on_bookings_carry_an_idempotency_key(pages: Pages, demo_url: str) -> None:
    """So that a 503 outcome-unknown can be retried safely: the reschedule and the cancel too."""
    booking_id = guest_booking(demo_url, "Ida Key", "ida@example.org")
    page = pages.new()
    writes: list[tuple[str, str | None]] = []
    page.on("request", lambda r: r.method != "GET" and "/api/v1/bookings" in r.url and writes.append(
        (r.method, r.headers.get("idempotency-key"))))
    page.goto(f"/book/manage/{booking_id}?token={manage_token(SECRET, booking_id)}")
    page.get_by_role("link", name="Change time").click()  # the booking calendar in move mode
    move_in_calendar(page)
    page.get_by_role("dialog").get_by_role("link", name="Back to your booking").click()
    page.get_by_role("button", name="Cancel booking").click()
    page.get_by_role("dialog").get_by_role("button", name="Yes, cancel booking").click()
    expect(page.locator("#manage-status")).to_have_text("Cancelled")
    assert [m for m, _ in writes] == ["PATCH", "DELETE"], writes
    keys = [k for _, k in writes]
    assert all(k and len(k) >= 16 for k in keys) and len(set(keys)) == 2, keys
    assert not pages.errors, pages.errors
