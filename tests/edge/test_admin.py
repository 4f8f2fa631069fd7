"""Admin endpoints: resources, rules, closures, services (with the public link), the
bookings overview and its CSV export, the outbox and the audit trail."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import psycopg
from aiohttp.test_utils import TestClient

from tests.edge.conftest import GUEST, Users, free_slots

API = "/api/v1"


async def test_admin_routes_refuse_others(client: TestClient[Any, Any], users: Users) -> None:
    for path in ("/admin/resources", "/admin/services", "/admin/bookings", "/admin/notifications",
                 "/admin/audit"):
        assert (await client.get(API + path)).status == 401
        assert (await client.get(API + path, headers=users.headers("member"))).status == 403


async def test_resource_rules_and_closures(client: TestClient[Any, Any], users: Users) -> None:
    h = users.headers("admin")
    resp = await client.post(f"{API}/admin/resources", headers=h, json={
        "slug": "room-lisbon", "name": "Room Lisbon", "kind": "room", "capacity": 1,
        "timezone": "Europe/Lisbon", "owner": "ana@example.com", "location": "Lisbon"})
    assert resp.status == 201, await resp.text()
    res = await resp.json()
    assert res["owner"] == "ana@example.com" and res["rules"] == []
    url = f"{API}/admin/resources/{res['id']}"
    bad_zone = await client.post(f"{API}/admin/resources", headers=h, json={
        "slug": "room-x", "name": "X", "timezone": "Mars/Olympus"})
    assert bad_zone.status == 422 and "timezone" in (await bad_zone.json())["errors"]
    dup = await client.post(f"{API}/admin/resources", headers=h, json={
        "slug": "room-lisbon", "name": "Again", "timezone": "Europe/Lisbon"})
    assert dup.status == 409
    assert (await client.post(f"{API}/admin/resources", headers=h, json={"slug": "Bad Slug"})).status == 422

    rules = [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(1, 6)]
    put = await client.put(f"{url}/rules", headers=h, json={"rules": rules})
    assert put.status == 200, await put.text()
    assert [(r["weekday"], r["start"], r["end"]) for r in await put.json()] == [
        (d, "09:00", "17:00") for d in range(1, 6)]
    wrong = await client.put(f"{url}/rules", headers=h,
                             json={"rules": [{"weekday": 8, "start": "9", "end": "x"}]})
    assert wrong.status == 422
    assert set((await wrong.json())["errors"]) == {"rules[0].start", "rules[0].end"}  # shape: all at once
    weekday = await client.put(f"{url}/rules", headers=h,
                               json={"rules": [{"weekday": 8, "start": "09:00", "end": "10:00"}]})
    assert weekday.status == 422 and set((await weekday.json())["errors"]) == {"rules"}  # the database's rule
    assert len(await (await client.get(f"{url}/rules", headers=h)).json()) == 5

    start = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    closure = await client.post(f"{url}/closures", headers=h, json={
        "starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(days=1)).isoformat(),
        "reason": "holiday"})
    assert closure.status == 201
    cid = (await closure.json())["id"]
    listed = await (await client.get(f"{url}/closures", headers=h)).json()
    assert [c["reason"] for c in listed["data"]] == ["holiday"]
    backwards = await client.post(f"{url}/closures", headers=h, json={
        "starts_at": start.isoformat(), "ends_at": start.isoformat()})
    assert backwards.status == 422
    assert (await client.delete(f"{url}/closures/{cid}", headers=h)).status == 204
    assert (await client.delete(f"{url}/closures/{cid}", headers=h)).status == 404

    patched = await client.patch(url, headers=h, json={"name": "Sala Lisboa", "owner": None})
    assert patched.status == 200
    assert (await patched.json())["name"] == "Sala Lisboa" and (await patched.json())["owner"] is None
    gone = await client.delete(url, headers=h)
    assert gone.status == 200 and (await gone.json())["active"] is False
    everything = await (await client.get(f"{API}/admin/resources", headers=h)).json()
    assert "room-lisbon" in [r["slug"] for r in everything["data"]]
    assert (await client.get(f"{API}/admin/resources/{'0' * 8}-0000-0000-0000-{'0' * 12}",
                             headers=h)).status == 404


async def test_service_creation_returns_public_link(client: TestClient[Any, Any], users: Users) -> None:
    h = users.headers("admin")
    resp = await client.post(f"{API}/admin/services", headers=h, json={
        "slug": "yoga", "name": "Yoga", "duration_minutes": 60, "price": 12.5, "currency": "EUR",
        "resources": ["room-berlin"], "max_seats_per_booking": 1})
    assert resp.status == 201, await resp.text()
    svc = await resp.json()
    assert svc["link"].endswith("/book/yoga") and svc["resources"] == ["room-berlin"]
    assert svc["price"] == "12.50" and svc["slot_step_minutes"] == 60
    assert (await client.get(f"{API}/services/yoga")).status == 200
    assert await free_slots(client, "yoga")
    bad = await client.post(f"{API}/admin/services", headers=h, json={
        "slug": "x", "name": "X", "duration_minutes": 20, "price": -1, "resources": ["nope"]})
    assert bad.status == 422
    assert {"price"} <= set((await bad.json())["errors"])  # shape first; the grid is the database's rule
    off_grid = await client.post(f"{API}/admin/services", headers=h, json={
        "slug": "x", "name": "X", "duration_minutes": 20})
    assert off_grid.status == 422 and set((await off_grid.json())["errors"]) == {"duration_minutes"}
    unknown = await client.post(f"{API}/admin/services", headers=h, json={
        "slug": "x", "name": "X", "duration_minutes": 30, "resources": ["nope"]})
    assert unknown.status == 422 and "resources" in (await unknown.json())["errors"]
    event_start = (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).replace(hour=18, minute=0, second=0,
                                                                          microsecond=0)
    event = await client.post(f"{API}/admin/services", headers=h, json={
        "slug": "gala", "name": "Gala", "duration_minutes": 120, "starts_at": event_start.isoformat(),
        "resources": ["venue-hall"], "max_seats_per_booking": 2})
    assert event.status == 201, await event.text()
    assert dt.datetime.fromisoformat((await event.json())["starts_at"]) == event_start
    url = f"{API}/admin/services/{svc['id']}"
    patched = await client.patch(url, headers=h, json={"name": "Morning yoga", "resources": ["room-nyc"]})
    assert patched.status == 200
    assert (await patched.json())["resources"] == ["room-nyc"]
    assert (await client.get(url, headers=h)).status == 200
    deactivated = await client.delete(url, headers=h)
    assert (await deactivated.json())["active"] is False
    assert (await client.get(f"{API}/services/yoga")).status == 410  # issue 13: its link says so
    listed = await (await client.get(f"{API}/admin/services", headers=h)).json()
    assert {"yoga", "gala", "consultation"} <= {s["slug"] for s in listed["data"]}


async def test_bookings_overview_csv_outbox_and_audit(client: TestClient[Any, Any], users: Users,
                                                      db_url: str) -> None:
    h = users.headers("admin")
    start = (await free_slots(client, "meeting-room"))[0]
    resp = await client.post(f"{API}/bookings", json={"service": "meeting-room", "starts_at": start,
                                                      "attendee": {**GUEST, "name": "=cmd|x"}})
    booking = await resp.json()
    page = await (await client.get(f"{API}/admin/bookings", params={"service": "meeting-room"},
                                   headers=h)).json()
    assert [b["id"] for b in page["data"]] == [booking["id"]] and page["meta"]["total"] == 1
    none = await (await client.get(f"{API}/admin/bookings", params={"q": "nobody-here"}, headers=h)).json()
    assert none["data"] == [] and none["meta"]["total"] == 0
    assert (await client.get(f"{API}/admin/bookings", params={"status": "bogus"}, headers=h)).status == 422
    exported = await client.get(f"{API}/admin/bookings", headers={**h, "Accept": "text/csv"})
    assert exported.status == 200 and exported.content_type == "text/csv"
    rows = list(csv.DictReader(io.StringIO(await exported.text())))
    assert rows[0]["reference"] == booking["reference"]
    assert rows[0]["attendee_name"] == "'=cmd|x"  # no spreadsheet formula injection

    notes = await (await client.get(f"{API}/admin/notifications", headers=h)).json()
    assert notes["meta"]["total"] >= 1
    nid = notes["data"][0]["id"]
    with psycopg.connect(db_url, autocommit=True) as c:
        c.execute("UPDATE booking.notification_log SET status = 'failed', last_error = 'boom' WHERE id = %s",
                  (nid,))
    failed = await (await client.get(f"{API}/admin/notifications", params={"status": "failed"},
                                     headers=h)).json()
    assert [n["id"] for n in failed["data"]] == [nid]
    retried = await client.post(f"{API}/admin/notifications/{nid}/retry", headers=h)
    assert retried.status == 200 and (await retried.json())["status"] == "pending"
    with psycopg.connect(db_url, autocommit=True) as c:
        c.execute("UPDATE booking.notification_log SET status = 'sent' WHERE id = %s", (nid,))
    assert (await client.post(f"{API}/admin/notifications/{nid}/retry", headers=h)).status == 409
    assert (await client.post(f"{API}/admin/notifications/999999/retry", headers=h)).status == 404
    assert (await client.post(f"{API}/admin/notifications/abc/retry", headers=h)).status == 404

    trail = await (await client.get(f"{API}/admin/audit", params={"booking": booking["id"]},
                                    headers=h)).json()
    assert [a["action"] for a in trail["data"]] == ["created"]
    assert trail["data"][0]["reference"] == booking["reference"]
    assert (await client.get(f"{API}/admin/audit", params={"booking": "x"}, headers=h)).status == 422
