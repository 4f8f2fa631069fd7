"""The web client's routes (no browser): pages, static assets and their headers."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from booker.settings import Settings
from edge.app import create_app
from edge.pages import PAGES, STATIC


async def client_for(aiohttp_client: Any, app_db_url: str) -> TestClient[Any, Any]:
    settings = Settings(environment="test", secret="pages-test-secret-0123456789-0123456789")
    return await aiohttp_client(create_app(settings, database_url=app_db_url))


async def test_pages_are_html_with_a_strict_csp_and_a_module(app_db_url: str, aiohttp_client: Any) -> None:
    client = await client_for(aiohttp_client, app_db_url)
    manage = "/book/manage/00000000-0000-0000-0000-000000000000?token=t"
    offer = "/waitlist/offer/00000000-0000-0000-0000-000000000000?token=t"
    for path in ("/", "/book/consultation", manage, "/login", "/register", "/me", "/admin", "/provider",
                 "/provider/confirm?token=t", "/provider/decline?token=t",
                 "/me/profile", "/account/reset", "/account/verify?token=t", offer):
        resp = await client.get(path)
        assert resp.status == 200, path
        assert resp.content_type == "text/html"
        csp = resp.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        body = await resp.text()
        module = body.split('type="module" src="')[1].split('"')[0]
        asset = await client.get(module)
        assert asset.status == 200, module
        assert "javascript" in asset.content_type
    assert len(PAGES) == 13


async def test_assets_are_local_and_unknown_paths_are_404(app_db_url: str, aiohttp_client: Any) -> None:
    client = await client_for(aiohttp_client, app_db_url)
    css = await client.get("/static/css/app.css")
    assert css.status == 200 and css.content_type == "text/css"
    assert (await client.get("/static/js/nope.js")).status == 404
    assert (await client.get("/static/../pages.py")).status == 404
    assert (await client.get("/book/Not_A_Slug")).status == 404
    assert (await client.get("/book/manage/not-an-id")).status == 404
    assert (await client.get("/provider/approve")).status == 404  # confirm and decline only
    # No CDN: nothing under static points at another host.
    for f in STATIC.rglob("*"):
        if f.suffix in (".html", ".js", ".css"):
            text = f.read_text(encoding="utf-8")
            assert "http://" not in text and "https://" not in text, f
