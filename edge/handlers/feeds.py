"""Calendar subscription feeds (issue 16): GET /calendar/<token>.ics for calendar apps
(no sign-in: the token is the credential, 404 for anything else), and the signed-in
routes that show the tokens (null until made) and make or replace them (POST .../rotate).
The events and who may see which feed are api.calendar_feed's and api.*_calendar_feed's
rules; the .ics follows worker/ics.py.
ETag / If-None-Match: a poll that finds nothing new is a 304 without a body."""

from __future__ import annotations

import re
import uuid

from aiohttp import web

from edge import db
from edge.auth import require_admin, require_user
from edge.db import SETTINGS
from edge.errors import Problem, invalid
from edge.http import json_response, path_uuid, read_json
from worker.ics import build_feed

TOKEN = re.compile(r"^cal_[0-9a-f]{64}$")


def feed_urls(request: web.Request, token: str | None) -> dict[str, str | None]:
    """The https:// (or http://) URL and its webcal:// twin, from the public URL; nulls
    until a token is made (POST .../rotate: reading never writes)."""
    if token is None:
        return {"token": None, "url": None, "webcal": None}
    base = request.app[SETTINGS].public_url
    url = f"{base}/calendar/{token}.ics"
    return {"token": token, "url": url, "webcal": re.sub(r"^https?://", "webcal://", url)}


async def ics(request: web.Request) -> web.StreamResponse:
    token = request.match_info["token"]
    if not TOKEN.match(token):
        raise Problem(404, "calendar feed not found")
    row = await db.query_one(request, "SELECT api.calendar_feed(%s) AS v", (token,))
    feed = row["v"] if row else None
    if feed is None:
        raise Problem(404, "calendar feed not found")
    etag = f'"{feed["etag"]}"'
    headers = {"ETag": etag, "Cache-Control": "private, max-age=300", "X-Robots-Tag": "noindex"}
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        return web.Response(status=304, headers=headers)
    return web.Response(body=build_feed(feed["name"], feed["events"]), headers=headers,
                        content_type="text/calendar", charset="utf-8")


async def my_feeds(request: web.Request) -> web.Response:
    principal = await require_user(request)
    row = await db.query_one(request, "SELECT api.calendar_feeds(%s) AS v", (principal.id,))
    assert row
    return json_response({"data": [{**f, **feed_urls(request, f["token"])} for f in row["v"]["data"]]})


async def rotate_my_feed(request: web.Request) -> web.Response:
    """Body {"kind": "member" | "provider"}: a new token for one of my feeds."""
    principal = await require_user(request)
    body = await read_json(request)
    kind = body.get("kind")
    if kind not in ("member", "provider"):
        raise invalid({"kind": "must be member or provider"})
    row = await db.query_one(request, "SELECT api.rotate_calendar_feed(%s, %s, %s) AS v",
                             (principal.id, kind, principal.id))
    assert row
    return json_response({"kind": kind, **feed_urls(request, row["v"])})


async def resource_feed(request: web.Request) -> web.Response:
    principal = await require_admin(request)
    resource_id: uuid.UUID = path_uuid(request, what="resource")
    row = await db.query_one(request, "SELECT api.resource_calendar_feed(%s, %s) AS v",
                             (principal.id, resource_id))
    assert row
    return json_response({"kind": "resource", "subject_id": str(resource_id), **feed_urls(request, row["v"])})


async def rotate_resource_feed(request: web.Request) -> web.Response:
    principal = await require_admin(request)
    resource_id = path_uuid(request, what="resource")
    row = await db.query_one(request, "SELECT api.rotate_calendar_feed(%s, 'resource', %s) AS v",
                             (principal.id, resource_id))
    assert row
    return json_response({"kind": "resource", "subject_id": str(resource_id), **feed_urls(request, row["v"])})
