"""The app factory: middleware, the database pool, and every route in one list."""

from __future__ import annotations

import logging

from aiohttp import web

from booker.settings import Settings
from edge import db
from edge.errors import error_middleware
from edge.handlers import system
from edge.http import MAX_BODY
from edge.metrics import setup_metrics
from edge.pages import setup_pages

log = logging.getLogger("booker.edge")

API = "/api/v1"

# (method, path, handler): the whole REST surface at a glance.
ROUTES: list[tuple[str, str, web.Handler]] = [
    ("GET", "/health", system.health),
    ("GET", "/ready", system.ready),
    ("GET", f"{API}/health", system.health),
    ("GET", f"{API}/ready", system.ready),
]


def create_app(settings: Settings, *, database_url: str | None = None) -> web.Application:
    """Build the edge. `database_url` overrides settings.database_url (tests, bench)."""
    app = web.Application(middlewares=[error_middleware], client_max_size=MAX_BODY)
    app[db.SETTINGS] = settings
    if database_url:
        app[db.DATABASE_URL] = database_url
    app.cleanup_ctx.append(db.db_cleanup_ctx)
    for method, path, handler in ROUTES:
        app.router.add_route(method, path, handler)

    # Other parts of the edge plug in here, one line each (they add routes and cleanup_ctx):
    #   setup_live(app)     edge/live.py     WebSocket /api/v1/live and SSE /api/v1/services/{slug}/events
    #   setup_pages(app)    edge/pages.py    the web client and its static files
    #   setup_metrics(app)  edge/metrics.py  /metrics
    setup_metrics(app)
    setup_pages(app)
    return app
