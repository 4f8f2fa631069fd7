"""The web client: nine pages, one HTML shell each fills with its title and module, and
their static files (CSS and JavaScript modules).

No build step and no CDN: every asset lives under edge/static and is served here. The
pages talk to the edge only through the public REST API and the live WebSocket.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.typedefs import Handler

from booker.settings import Settings
from edge.db import SETTINGS

STATIC = Path(__file__).parent / "static"

# path -> (title, module under static/js/pages); the module reads what it needs (e.g. the
# slug) from the URL and renders into the shell's <main>.
PAGES: dict[str, tuple[str, str]] = {
    "/": ("Services and events", "dashboard"),
    "/book/{slug:[a-z0-9][a-z0-9-]{0,62}}": ("Book", "book"),
    # a guest's booking; ?token= from the email
    "/book/manage/{id:[0-9a-fA-F-]{36}}": ("Manage your booking", "manage"),
    "/login": ("Sign in", "login"),
    "/register": ("Create an account", "register"),
    "/me": ("My bookings", "me"),
    "/admin": ("Admin", "admin"),
    # the workspace of a user who owns resources, and the pages behind the links of their
    # "please confirm" email (?token=; no sign-in; a button, never a change on GET)
    "/provider": ("Provider workspace", "provider"),
    "/provider/{action:confirm|decline}": ("Answer a booking request", "provider-respond"),
    # accounts (issue 14)
    "/me/profile": ("Your profile", "profile"),
    "/account/reset": ("Reset your password", "account-reset"),
    "/account/verify": ("Verify your email", "account-verify"),
    # a waitlist offer; ?token= from the offer email
    "/waitlist/offer/{id:[0-9a-fA-F-]{36}}": ("Your waitlist offer", "waitlist-offer"),
}

SHELL = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title} · Booker</title>
  <link rel="stylesheet" href="/static/css/app.css">
  <link rel="icon" href="data:,">
  <script type="module" src="/static/js/pages/{module}.js"></script>
</head>
<body>
  <header id="site-header"></header>
  <main id="main" tabindex="-1">
    <noscript><p class="notice warn">This page needs JavaScript.</p></noscript>
  </main>
</body>
</html>
"""


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


def _page(title: str, module: str) -> Handler:
    html = SHELL.format(title=title, module=module)

    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(text=html, headers={
            "Content-Type": "text/html; charset=utf-8",
            "Content-Security-Policy": _csp(request),
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
            "Cache-Control": "no-cache",
        })

    return handler


# -- the embeddable booking widget (issue 16) -------------------------------------------------
# /embed/<slug> is the booking page of one service without the site's frame, made to be
# framed by the sites BOOKER_FRAME_ANCESTORS lists (CSP frame-ancestors; unset: any site in
# development, none elsewhere); /embed.js is the snippet other sites load, which inserts
# that frame and sizes it to its content (postMessage "booker:resize").
EMBED_SHELL = SHELL.replace('<html lang="en">', '<html lang="en" class="embedded">')


def frame_ancestors(settings: Settings) -> str:
    if settings.frame_ancestors:
        return " ".join(settings.frame_ancestors)
    return "*" if settings.development else "'none'"


def _embed_page(request: web.Request) -> web.StreamResponse:
    csp = _csp(request).replace("frame-ancestors 'none'",
                                f"frame-ancestors {frame_ancestors(request.app[SETTINGS])}")
    return web.Response(text=EMBED_SHELL.format(title="Book", module="embed"), headers={
        "Content-Type": "text/html; charset=utf-8",
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cache-Control": "no-cache",
    })


async def embed_page(request: web.Request) -> web.StreamResponse:
    return _embed_page(request)


async def embed_script(request: web.Request) -> web.StreamResponse:
    return web.Response(body=(STATIC / "embed.js").read_bytes(), headers={
        "Content-Type": "text/javascript; charset=utf-8",
        "Cache-Control": "public, max-age=300",
        "Cross-Origin-Resource-Policy": "cross-origin",
    })


def setup_pages(app: web.Application) -> None:
    for path, (title, module) in PAGES.items():
        app.router.add_get(path, _page(title, module), name=f"page:{module}")
    app.router.add_get("/embed/{slug:[a-z0-9][a-z0-9-]{0,62}}", embed_page, name="page:embed")
    app.router.add_get("/embed.js", embed_script, name="embed-script")
    app.router.add_static("/static/", STATIC, name="static")
