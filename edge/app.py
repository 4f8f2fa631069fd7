"""The app factory: middleware, the database pool, and every route in one list."""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.typedefs import Handler

from booker.settings import Settings
from edge import db
from edge.errors import error_middleware
from edge.guard import setup_guard
from edge.handlers import (
    account,
    admin,
    auth,
    bookings,
    changes,
    feeds,
    mail,
    me,
    provider,
    services,
    system,
    waitlist,
    webhooks,
)
from edge.http import MAX_BODY
from edge.limits import HASH_GATE, HashGate
from edge.live import setup_live
from edge.metrics import setup_metrics
from edge.pages import setup_pages

log = logging.getLogger("booker.edge")

API = "/api/v1"

# (method, path, handler): the whole REST surface at a glance.
ROUTES: list[tuple[str, str, Handler]] = [
    ("GET", "/health", system.health),
    ("GET", "/ready", system.ready),
    ("GET", f"{API}/health", system.health),
    ("GET", f"{API}/ready", system.ready),
    ("GET", "/api/openapi.json", system.openapi_json),
    ("GET", "/api/docs", system.docs),
    # accounts
    ("POST", f"{API}/auth/register", auth.register),
    ("POST", f"{API}/auth/login", auth.login),
    ("POST", f"{API}/auth/refresh", auth.refresh),
    ("POST", f"{API}/auth/logout", auth.logout),
    ("GET", f"{API}/me", me.me),
    ("GET", f"{API}/me/tokens", me.list_tokens),
    ("POST", f"{API}/me/tokens", me.create_token),
    ("DELETE", f"{API}/me/tokens/{{id}}", me.delete_token),
    ("GET", f"{API}/me/bookings", me.my_bookings),
    # catalogue
    ("GET", f"{API}/services", services.list_services),
    ("GET", f"{API}/services/{{slug}}", services.get_service),
    ("GET", f"{API}/services/{{slug}}/slots", services.slots),
    ("GET", f"{API}/availability", services.availability),
    # bookings
    ("POST", f"{API}/holds", bookings.create_hold),
    ("POST", f"{API}/bookings", bookings.create_booking),
    ("GET", f"{API}/bookings/{{id}}", bookings.get_booking),
    ("PATCH", f"{API}/bookings/{{id}}", bookings.update_booking),
    ("DELETE", f"{API}/bookings/{{id}}", bookings.cancel_booking),
    ("POST", f"{API}/bookings/{{id}}/confirm", bookings.confirm_booking),
    ("POST", f"{API}/bookings/{{id}}/decline", bookings.decline_booking),
    ("POST", f"{API}/bookings/{{id}}/move", bookings.move_booking),  # issue 13: admins and providers
    # admin
    ("GET", f"{API}/admin/resources", admin.list_resources),
    ("GET", f"{API}/admin/resource-kinds", admin.resource_kinds),
    ("POST", f"{API}/admin/resources", admin.create_resource),
    ("GET", f"{API}/admin/resources/{{id}}", admin.get_resource),
    ("PATCH", f"{API}/admin/resources/{{id}}", admin.update_resource),
    ("DELETE", f"{API}/admin/resources/{{id}}", admin.delete_resource),
    ("GET", f"{API}/admin/resources/{{id}}/rules", admin.get_rules),
    ("PUT", f"{API}/admin/resources/{{id}}/rules", admin.put_rules),
    ("GET", f"{API}/admin/resources/{{id}}/closures", admin.list_closures),
    ("POST", f"{API}/admin/resources/{{id}}/closures", admin.create_closure),
    ("DELETE", f"{API}/admin/resources/{{id}}/closures/{{closure}}", admin.delete_closure),
    ("GET", f"{API}/admin/services", admin.list_services),
    ("POST", f"{API}/admin/services", admin.create_service),
    ("GET", f"{API}/admin/services/{{id}}", admin.get_service),
    ("PATCH", f"{API}/admin/services/{{id}}", admin.update_service),
    ("DELETE", f"{API}/admin/services/{{id}}", admin.delete_service),
    ("GET", f"{API}/admin/bookings", admin.list_bookings),
    ("GET", f"{API}/admin/notifications", admin.list_notifications),
    ("POST", f"{API}/admin/notifications/{{id}}/retry", admin.retry_notification),
    ("GET", f"{API}/admin/audit", admin.audit),
    ("GET", f"{API}/admin/mail", mail.list_mail),
    ("GET", f"{API}/admin/mail/{{id}}", mail.get_mail),
    # the provider's workspace (issue 13) and the links of their "please confirm" email
    ("GET", f"{API}/provider/bookings", provider.bookings),
    ("GET", f"{API}/provider/resources", provider.resources),
    ("GET", f"{API}/provider/resources/{{id}}/rules", provider.get_rules),
    ("PUT", f"{API}/provider/resources/{{id}}/rules", provider.put_rules),
    ("GET", f"{API}/provider/resources/{{id}}/closures", provider.list_closures),
    ("POST", f"{API}/provider/resources/{{id}}/closures", provider.create_closure),
    ("DELETE", f"{API}/provider/resources/{{id}}/closures/{{closure}}", provider.delete_closure),
    ("GET", f"{API}/email-action", provider.email_action),
    ("POST", f"{API}/email-action", provider.use_email_action),
    # issue 14: the live feed's polling fallback
    ("GET", f"{API}/services/{{slug}}/changes", changes.changes),
    # account lifecycle (issue 14): edge/handlers/account.py
    ("POST", f"{API}/auth/password-reset", account.request_password_reset),
    ("POST", f"{API}/auth/password-reset/confirm", account.confirm_password_reset),
    ("POST", f"{API}/auth/verify-email", account.verify_email),
    ("POST", f"{API}/auth/password", account.change_password),
    ("POST", f"{API}/me/verify-email", account.request_verification),
    ("PATCH", f"{API}/me/profile", account.update_profile),
    # waitlist (issue 16)
    ("POST", f"{API}/waitlist", waitlist.join),
    ("GET", f"{API}/waitlist/{{id}}", waitlist.get_entry),
    ("DELETE", f"{API}/waitlist/{{id}}", waitlist.leave),
    ("GET", f"{API}/waitlist/offers/{{id}}", waitlist.get_offer),
    ("POST", f"{API}/waitlist/offers/{{id}}/accept", waitlist.accept_offer),
    ("POST", f"{API}/waitlist/offers/{{id}}/decline", waitlist.decline_offer),
    ("GET", f"{API}/me/waitlist", waitlist.my_waitlist),
    ("GET", f"{API}/admin/waitlist", waitlist.admin_list),
    ("POST", f"{API}/admin/waitlist/{{id}}/move", waitlist.admin_move),
    ("DELETE", f"{API}/admin/waitlist/{{id}}", waitlist.admin_remove),
    ("PUT", f"{API}/admin/services/{{id}}/waitlist", waitlist.admin_offer_minutes),
]

# Webhooks and calendar feeds (issue 16)
ROUTES += [
    ("GET", f"{API}/admin/webhook-events", webhooks.event_types),
    ("GET", f"{API}/admin/webhooks", webhooks.list_endpoints),
    ("POST", f"{API}/admin/webhooks", webhooks.create_endpoint),
    ("PATCH", f"{API}/admin/webhooks/{{id}}", webhooks.update_endpoint),
    ("DELETE", f"{API}/admin/webhooks/{{id}}", webhooks.delete_endpoint),
    ("GET", f"{API}/admin/webhooks/{{id}}/deliveries", webhooks.list_deliveries),
    ("POST", f"{API}/admin/webhook-deliveries/{{id}}/redeliver", webhooks.redeliver),
    ("GET", f"{API}/me/calendar-feeds", feeds.my_feeds),
    ("POST", f"{API}/me/calendar-feeds/rotate", feeds.rotate_my_feed),
    ("GET", f"{API}/admin/resources/{{id}}/calendar-feed", feeds.resource_feed),
    ("POST", f"{API}/admin/resources/{{id}}/calendar-feed/rotate", feeds.rotate_resource_feed),
    ("GET", "/calendar/{token}.ics", feeds.ics),
]


def create_app(settings: Settings, *, database_url: str | None = None, read_database_url: str | None = None,
               listen_database_url: str | None = None) -> web.Application:
    """Build the edge. The URLs override settings.database_url, .read_database_url and
    .listen_database_url (tests, bench)."""
    app = web.Application(middlewares=[error_middleware], client_max_size=MAX_BODY)
    app[db.SETTINGS] = settings
    if database_url:
        app[db.DATABASE_URL] = database_url
    if read_database_url:
        app[db.READ_DATABASE_URL] = read_database_url
    if listen_database_url:
        app[db.LISTEN_DATABASE_URL] = listen_database_url
    app.cleanup_ctx.append(db.db_cleanup_ctx)
    setup_guard(app)  # edge/guard.py: live caps per client, security headers, quiet accept errors
    app[services.SLOT_CACHE] = services.SlotCache()
    app[HASH_GATE] = HashGate()
    app.on_shutdown.append(app[services.SLOT_CACHE].close)
    for method, path, handler in ROUTES:
        app.router.add_route(method, path, handler)

    # Other parts of the edge plug in here, one line each (they add routes and cleanup_ctx):
    #   setup_live(app)     edge/live.py     WebSocket /api/v1/live and SSE /api/v1/services/{slug}/events
    #   setup_pages(app)    edge/pages.py    the web client and its static files
    #   setup_metrics(app)  edge/metrics.py  /metrics
    setup_metrics(app)
    setup_live(app)
    setup_pages(app)
    return app
