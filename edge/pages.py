"""The web client: seven HTML pages and their static files (CSS and JavaScript modules).

No build step and no CDN: every asset lives under edge/static and is served here. The
pages talk to the edge only through the public REST API and the live WebSocket.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web

from edge.db import SETTINGS

STATIC = Path(__file__).parent / "static"

# path -> HTML file; the page's module reads what it needs (e.g. the slug) from the URL.
PAGES: dict[str, str] = {
    "/": "index.html",
    "/book/{slug:[a-z0-9][a-z0-9-]{0,62}}": "book.html",
    "/book/manage/{id:[0-9a-fA-F-]{36}}": "manage.html",  # a guest's booking; ?token= from the email
    "/login": "login.html",
    "/register": "register.html",
    "/me": "me.html",
    "/admin": "admin.html",
}


def _csp(request: web.Request) -> str:
    # From the configured public URL, never the request's Host header (which the client chooses).
    public = urlsplit(request.app[SETTINGS].public_url)
    ws = ("wss://" if public.scheme == "https" else "ws://") + public.netloc
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        f"connect-src 'self' {ws}",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "object-src 'none'",
    ])


def _page(filename: str) -> web.Handler:
    path = STATIC / filename

    async def handler(request: web.Request) -> web.StreamResponse:
        return web.FileResponse(path, headers={
            "Content-Type": "text/html; charset=utf-8",
            "Content-Security-Policy": _csp(request),
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
            "Cache-Control": "no-cache",
        })

    return handler


def setup_pages(app: web.Application) -> None:
    for path, filename in PAGES.items():
        app.router.add_get(path, _page(filename), name=f"page:{filename.removesuffix('.html')}")
    app.router.add_static("/static/", STATIC, name="static")
