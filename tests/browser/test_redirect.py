"""After sign-in, ?next= may only lead to a page of this site (no open redirect)."""

from __future__ import annotations

from urllib.parse import urlsplit

from booker import demo
from tests.browser.conftest import LiveEdge, Pages
from tests.browser.helpers import login


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
