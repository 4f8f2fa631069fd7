"""Webhook administration and calendar feeds over HTTP (issue 16): thin handlers over
the api.* functions, 4xx naming the field, the .ics feed with ETag / 304, rotation."""

from __future__ import annotations

from typing import Any

import icalendar
from aiohttp.test_utils import TestClient

from tests.edge.conftest import Users, free_slots

API = "/api/v1"
Client = TestClient[Any, Any]


async def test_webhook_admin_flow(client: Client, users: Users) -> None:
    h = users.headers("admin")
    assert (await client.get(f"{API}/admin/webhooks", headers=users.headers("member"))).status == 403
    events = await (await client.get(f"{API}/admin/webhook-events", headers=h)).json()
    assert "waitlist.offer" in events["data"]
    bad = await client.post(f"{API}/admin/webhooks", headers=h,
                            json={"url": "javascript:alert(1)", "events": ["booking.created"]})
    assert bad.status == 422 and "url" in (await bad.json())["errors"]
    bad = await client.post(f"{API}/admin/webhooks", headers=h,
                            json={"url": "https://x.example/", "events": "all"})
    assert bad.status == 422 and "events" in (await bad.json())["errors"]
    created = await client.post(f"{API}/admin/webhooks", headers=h, json={
        "url": "https://crm.example/hook", "events": ["booking.created", "booking.cancelled"]})
    assert created.status == 201, await created.text()
    endpoint = await created.json()
    assert endpoint["secret"].startswith("whsec_")
    listed = await (await client.get(f"{API}/admin/webhooks", headers=h)).json()
    assert [e["id"] for e in listed["data"]] == [endpoint["id"]] and "secret" not in listed["data"][0]

    start = (await free_slots(client, "consultation"))[0]
    booked = await client.post(f"{API}/bookings", json={
        "service": "consultation", "starts_at": start,
        "attendee": {"name": "Web Hook", "email": "wh@example.net"}})
    assert booked.status == 201
    log = await (await client.get(f"{API}/admin/webhooks/{endpoint['id']}/deliveries", headers=h)).json()
    [delivery] = log["data"]
    assert delivery["event"] == "booking.created" and delivery["status"] == "pending"
    assert delivery["reference"] == (await booked.json())["reference"]

    again = await client.post(f"{API}/admin/webhook-deliveries/{delivery['id']}/redeliver", headers=h)
    assert again.status == 201 and (await again.json())["redelivery_of"] == delivery["id"]
    assert (await client.post(f"{API}/admin/webhook-deliveries/999999/redeliver", headers=h)).status == 404
    assert (await client.post(f"{API}/admin/webhook-deliveries/x/redeliver", headers=h)).status == 404

    off = await client.patch(f"{API}/admin/webhooks/{endpoint['id']}", headers=h, json={"active": False})
    assert off.status == 200 and (await off.json())["active"] is False
    refused = await client.post(f"{API}/admin/webhook-deliveries/{delivery['id']}/redeliver", headers=h)
    assert refused.status == 409
    assert (await client.patch(f"{API}/admin/webhooks/{endpoint['id']}", headers=h,
                               json={"max_attempts": 0})).status == 422
    assert (await client.delete(f"{API}/admin/webhooks/{endpoint['id']}", headers=h)).status == 204
    assert (await client.delete(f"{API}/admin/webhooks/{endpoint['id']}", headers=h)).status == 404


async def test_calendar_feed_ics_etag_and_rotation(client: Client, users: Users) -> None:
    h = users.headers("member")
    feeds = await (await client.get(f"{API}/me/calendar-feeds", headers=h)).json()
    assert [f["token"] for f in feeds["data"]] == [None]  # reading makes nothing
    made = await client.post(f"{API}/me/calendar-feeds/rotate", headers=h, json={"kind": "member"})
    assert made.status == 200
    feeds = await (await client.get(f"{API}/me/calendar-feeds", headers=h)).json()
    [mine] = feeds["data"]
    assert mine == {**mine, **await made.json()}
    assert mine["webcal"].startswith("webcal://") and mine["url"].endswith(".ics")
    path = "/calendar/" + mine["token"] + ".ics"

    start = (await free_slots(client, "consultation"))[0]
    booked = await (await client.post(f"{API}/bookings", headers=h, json={
        "service": "consultation", "starts_at": start})).json()
    resp = await client.get(path)
    assert resp.status == 200 and resp.content_type == "text/calendar"
    cal = icalendar.Calendar.from_ical(await resp.read())
    [event] = [c for c in cal.walk("VEVENT")]
    assert str(event["UID"]) == f"{booked['id']}@booker"
    assert int(event["SEQUENCE"]) >= 1 and str(event["STATUS"]) == "CONFIRMED"
    etag = resp.headers["ETag"]

    assert (await client.get(path, headers={"If-None-Match": etag})).status == 304
    cancelled = await client.delete(f"{API}/bookings/{booked['id']}", headers=h)
    assert cancelled.status == 200
    changed = await client.get(path, headers={"If-None-Match": etag})
    assert changed.status == 200 and changed.headers["ETag"] != etag
    [event] = [c for c in icalendar.Calendar.from_ical(await changed.read()).walk("VEVENT")]
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) > 1

    rotated = await client.post(f"{API}/me/calendar-feeds/rotate", headers=h, json={"kind": "member"})
    assert rotated.status == 200
    assert (await client.get(path)).status == 404  # the old URL stops working
    assert (await client.get("/calendar/" + (await rotated.json())["token"] + ".ics")).status == 200
    assert (await client.get("/calendar/cal_guess.ics")).status == 404
    wrong = await client.post(f"{API}/me/calendar-feeds/rotate", headers=h, json={"kind": "resource"})
    assert wrong.status == 422


async def test_provider_and_resource_feeds(client: Client, users: Users) -> None:
    feeds = await (await client.get(f"{API}/me/calendar-feeds", headers=users.headers("ana"))).json()
    kinds = [f["kind"] for f in feeds["data"]]
    assert kinds == ["member", "provider"]  # ana owns provider-ana in the demo data
    resources = await (await client.get(f"{API}/admin/resources", headers=users.headers("admin"))).json()
    rid = resources["data"][0]["id"]
    feed = await client.get(f"{API}/admin/resources/{rid}/calendar-feed", headers=users.headers("admin"))
    assert feed.status == 200 and (await feed.json())["token"] is None
    feed = await client.post(f"{API}/admin/resources/{rid}/calendar-feed/rotate",
                             headers=users.headers("admin"))
    token = (await feed.json())["token"]
    assert (await client.get(f"/calendar/{token}.ics")).status == 200
    assert (await client.get(f"{API}/admin/resources/{rid}/calendar-feed",
                             headers=users.headers("member"))).status == 403


def test_settings_of_webhooks_and_the_widget() -> None:
    import pytest

    from booker import settings

    s = settings.load({"BOOKER_FRAME_ANCESTORS": "https://shop.example 'self' https://*.example.org",
                       "BOOKER_WEBHOOK_TIMEOUT": "2.5"})
    assert s.frame_ancestors == ("https://shop.example", "'self'", "https://*.example.org")
    assert s.webhook_timeout == 2.5 and s.webhook_private_allowed  # development: a local receiver is fine
    import secrets

    prod = {"BOOKER_ENV": "production", "BOOKER_SECRET": secrets.token_hex(24)}
    assert not settings.load(prod).webhook_private_allowed  # production refuses private targets ...
    allowed = settings.load({**prod, "BOOKER_WEBHOOK_ALLOW_PRIVATE": "true"})
    assert allowed.webhook_private_allowed  # ... unless allowed
    with pytest.raises(settings.SettingsError, match="BOOKER_FRAME_ANCESTORS"):
        settings.load({"BOOKER_FRAME_ANCESTORS": "https://shop.example; script-src *"})
    with pytest.raises(settings.SettingsError, match="BOOKER_WEBHOOK_TIMEOUT"):
        settings.load({"BOOKER_WEBHOOK_TIMEOUT": "0"})
