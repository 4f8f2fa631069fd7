"""Bookings over HTTP: create (member and guest), idempotency, holds, read, reschedule,
cancel, confirm/decline, and the errors each documents."""

from __future__ import annotations

from typing import Any

import psycopg
from aiohttp.test_utils import TestClient

from tests.edge.conftest import GUEST, Users, free_slots

API = "/api/v1"


async def book(client: TestClient[Any, Any], body: dict[str, Any], headers: dict[str, str] | None = None,
               status: int = 201) -> dict[str, Any]:
    resp = await client.post(f"{API}/bookings", json=body, headers=headers or {})
    assert resp.status == status, await resp.text()
    return await resp.json()  # type: ignore[no-any-return]


async def test_member_books_and_reads(client: TestClient[Any, Any], users: Users) -> None:
    start = (await free_slots(client, "consultation"))[0]
    h = users.headers("member")
    resp = await client.post(f"{API}/bookings", json={"service": "consultation", "starts_at": start,
                                                      "notes": "hi"}, headers=h)
    assert resp.status == 201, await resp.text()
    b = await resp.json()
    assert resp.headers["Location"] == f"/api/v1/bookings/{b['id']}"
    assert b["status"] == "confirmed" and b["service"] == "consultation" and b["seats"] == 1
    assert b["reference"].startswith("BK-") and b["price"] == "60.00" and b["currency"] == "EUR"
    assert b["attendee"]["email"] == "member@example.com" and b["notes"] == "hi"
    assert "manage_token" not in b
    got = await client.get(f"{API}/bookings/{b['id']}", headers=h)
    assert got.status == 200 and (await got.json())["id"] == b["id"]
    mine = await (await client.get(f"{API}/me/bookings", headers=h)).json()
    assert [x["id"] for x in mine["data"]] == [b["id"]]
    assert mine["meta"] == {"total": 1, "page": 1, "limit": 20, "total_pages": 1}
    later = await (await client.get(f"{API}/me/bookings", params={"page": 2, "limit": 1,
                                                                  "status": "confirmed,pending"},
                                    headers=h)).json()
    assert later == {"data": [], "meta": {"total": 1, "page": 2, "limit": 1, "total_pages": 1}}
    none = await (await client.get(f"{API}/me/bookings", params={"status": "cancelled"}, headers=h)).json()
    assert none["meta"]["total"] == 0
    assert (await client.get(f"{API}/me/bookings", params={"status": "lost"}, headers=h)).status == 422


async def test_guest_books_with_manage_token(client: TestClient[Any, Any]) -> None:
    start = (await free_slots(client, "meeting-room"))[0]
    b = await book(client, {"service": "meeting-room", "starts_at": start, "attendee": GUEST})
    token = b["manage_token"]
    assert b["attendee"]["name"] == "Gina Guest"
    url = f"{API}/bookings/{b['id']}"
    assert (await client.get(url)).status == 404
    assert (await client.get(url, headers={"X-Manage-Token": "wrong"})).status == 404
    got = await client.get(url, headers={"X-Manage-Token": token})
    assert got.status == 200
    assert "manage_token" not in await got.json()
    cancelled = await client.delete(url, headers={"X-Manage-Token": token})
    assert cancelled.status == 200 and (await cancelled.json())["status"] == "cancelled"


async def test_guest_booking_errors(client: TestClient[Any, Any]) -> None:
    start = (await free_slots(client, "meeting-room"))[0]
    missing = await book(client, {"service": "meeting-room", "starts_at": start}, status=422)
    assert set(missing["errors"]) == {"attendee.name", "attendee.email"}
    members_only = (await free_slots(client, "expert-call"))[0]
    forbidden = await book(client, {"service": "expert-call", "starts_at": members_only, "attendee": GUEST},
                           status=403)
    assert forbidden["type"].endswith("forbidden")


async def test_validation_and_body_errors(client: TestClient[Any, Any], users: Users) -> None:
    h = users.headers("member")
    start = (await free_slots(client, "consultation"))[0]
    off_grid = start[:14] + "07" + start[16:]
    bad = await book(client, {"service": "consultation", "starts_at": off_grid}, h, status=422)
    assert "starts_at" in bad["errors"]
    assert (await book(client, {"service": "consultation", "starts_at": "tomorrow"}, h, 422))["errors"] == {
        "starts_at": "must be an RFC 3339 date-time, e.g. 2026-05-04T09:00:00+02:00"}
    assert "starts_at" in (await book(client, {"service": "consultation", "starts_at": "2030-01-01T10:00:00"},
                                      h, 422))["errors"]
    assert (await book(client, {"service": "nope", "starts_at": start}, h, 404))["status"] == 404
    assert (await book(client, {"service": "consultation", "starts_at": start, "resource": "nope"}, h,
                       422))["errors"] == {"resource": "no such resource"}
    assert (await book(client, {"service": "consultation", "starts_at": start, "seats": 2}, h,
                       422))["errors"]["seats"].startswith("at most 1")
    malformed = await client.post(f"{API}/bookings", data=b"{not json",
                                  headers={**h, "Content-Type": "application/json"})
    assert malformed.status == 400
    assert malformed.content_type == "application/problem+json"
    array = await client.post(f"{API}/bookings", json=[1], headers=h)
    assert array.status == 422
    huge = await client.post(f"{API}/bookings", data=b'{"notes": "' + b"x" * 70_000 + b'"}', headers=h)
    assert huge.status == 413
    assert (await huge.json())["status"] == 413


async def test_conflict_carries_alternatives(client: TestClient[Any, Any], users: Users) -> None:
    start = (await free_slots(client, "meeting-room", resource="room-berlin"))[0]
    body = {"service": "meeting-room", "starts_at": start, "resource": "room-berlin"}
    await book(client, body, users.headers("member"))
    taken = await book(client, body, users.headers("ana"), status=409)
    assert taken["type"].endswith("conflict")
    assert taken["alternatives"] and {"starts_at", "ends_at", "seats_left"} <= set(taken["alternatives"][0])


async def test_idempotency_replay_and_mismatch(client: TestClient[Any, Any], users: Users,
                                               db_url: str) -> None:
    h = {**users.headers("member"), "Idempotency-Key": "order-42"}
    start, later = (await free_slots(client, "consultation"))[:2]
    first = await book(client, {"service": "consultation", "starts_at": start}, h)
    replay = await book(client, {"service": "consultation", "starts_at": start}, h)
    assert replay == first
    changed = await book(client, {"service": "consultation", "starts_at": later}, h, status=422)
    assert "idempotency_key" in changed["errors"]
    with psycopg.connect(db_url) as c:
        assert c.execute("SELECT count(*) FROM booking.bookings").fetchone() == (1,)
    # a guest replay gets the same manage token back, and it works
    g = {"Idempotency-Key": "guest-7"}
    body = {"service": "meeting-room", "starts_at": (await free_slots(client, "meeting-room"))[0],
            "attendee": GUEST}
    one = await book(client, body, g)
    two = await book(client, body, g)
    assert one == two and one["manage_token"]
    got = await client.get(f"{API}/bookings/{one['id']}", headers={"X-Manage-Token": two["manage_token"]})
    assert got.status == 200
    assert (await book(client, body, {"Idempotency-Key": ""}, status=422))["errors"] == {
        "Idempotency-Key": "must be 1 to 200 characters"}


async def test_hold_then_book(client: TestClient[Any, Any], users: Users) -> None:
    start = (await free_slots(client, "meeting-room", resource="room-nyc"))[0]
    h = users.headers("member")
    resp = await client.post(f"{API}/holds", json={"service": "meeting-room", "starts_at": start,
                                                   "resource": "room-nyc"}, headers=h)
    assert resp.status == 201, await resp.text()
    hold = await resp.json()
    assert hold["status"] == "held" and hold["expires_at"]
    other = await client.post(f"{API}/holds", json={"service": "meeting-room", "starts_at": start,
                                                    "resource": "room-nyc"})
    assert other.status == 409
    assert (await client.post(f"{API}/holds", json={"service": "meeting-room"})).status == 422
    b = await book(client, {"service": "meeting-room", "starts_at": start, "hold": hold["id"]}, h)
    assert b["id"] == hold["id"] and b["status"] == "confirmed" and b["resource"] == "room-nyc"


async def test_reschedule_and_notes(client: TestClient[Any, Any], users: Users) -> None:
    h = users.headers("member")
    slots = await free_slots(client, "meeting-room", resource="room-berlin")
    room = {"service": "meeting-room", "resource": "room-berlin"}
    b = await book(client, {**room, "starts_at": slots[0]}, h)
    blocker = await book(client, {**room, "starts_at": slots[2]}, users.headers("ana"))
    url = f"{API}/bookings/{b['id']}"
    moved = await client.patch(url, json={"starts_at": slots[1], "notes": "moved"}, headers=h)
    assert moved.status == 200, await moved.text()
    mb = await moved.json()
    assert mb["starts_at"] != b["starts_at"] and mb["notes"] == "moved"
    conflict = await client.patch(url, json={"starts_at": blocker["starts_at"], "resource": "room-berlin"},
                                  headers=h)
    assert conflict.status == 409
    assert "alternatives" in await conflict.json()
    unchanged = await (await client.get(url, headers=h)).json()
    assert unchanged["starts_at"] == mb["starts_at"]
    assert (await client.patch(url, json={}, headers=h)).status == 422
    assert (await client.patch(url, json={"notes": 5}, headers=h)).status == 422
    cleared = await client.patch(url, json={"notes": ""}, headers=h)
    assert "notes" not in (await cleared.json()) or (await cleared.json())["notes"] is None


async def test_cancel_cutoff_and_force(client: TestClient[Any, Any], users: Users, db_url: str) -> None:
    h = users.headers("member")
    start = (await free_slots(client, "consultation"))[0]
    b = await book(client, {"service": "consultation", "starts_at": start}, h)
    with psycopg.connect(db_url, autocommit=True) as c:
        c.execute("UPDATE booking.services SET cancellation_cutoff_minutes = 100000 "
                  "WHERE slug = 'consultation'")
    url = f"{API}/bookings/{b['id']}"
    inside = await client.delete(url, headers=h)
    assert inside.status == 422
    assert "starts_at" in (await inside.json())["errors"]
    assert (await client.delete(f"{url}?force=true", headers=h)).status == 403
    assert (await client.delete(f"{url}?force=maybe", headers=h)).status == 422
    forced = await client.delete(f"{url}?force=true&reason=storm", headers=users.headers("admin"))
    assert forced.status == 200
    assert (await forced.json())["status"] == "cancelled"
    again = await client.delete(url, headers=h)  # idempotent
    assert again.status == 200 and (await again.json())["status"] == "cancelled"


async def test_confirm_and_decline(client: TestClient[Any, Any], users: Users) -> None:
    h = users.headers("member")
    starts = await free_slots(client, "expert-call", days=20)
    pending = await book(client, {"service": "expert-call", "starts_at": starts[-1]}, h)
    assert pending["status"] == "pending"
    url = f"{API}/bookings/{pending['id']}"
    assert (await client.post(f"{url}/confirm", headers=h)).status == 403  # the customer cannot approve
    assert (await client.post(f"{url}/confirm", headers=users.headers("ben"))).status == 404
    assert (await client.post(f"{url}/confirm")).status == 401
    ok = await client.post(f"{url}/confirm", headers=users.headers("cara"))
    assert ok.status == 200 and (await ok.json())["status"] == "confirmed"
    second = await book(client, {"service": "expert-call", "starts_at": starts[-2]}, h)
    declined = await client.post(f"{API}/bookings/{second['id']}/decline", json={"reason": "busy"},
                                 headers=users.headers("admin"))
    assert declined.status == 200 and (await declined.json())["status"] == "declined"
    late = await client.post(f"{API}/bookings/{second['id']}/confirm", headers=users.headers("admin"))
    assert late.status == 409


async def test_authorization_matrix(client: TestClient[Any, Any], users: Users) -> None:
    """Member A's booking on Ana's calendar: B and anonymous get 404 on every route; Ana (the
    provider) and the admin may act; guests need the manage token (tested above)."""
    starts = await free_slots(client, "consultation", resource="provider-ana")
    a = await book(client, {"service": "consultation", "starts_at": starts[0], "resource": "provider-ana"},
                   users.headers("member"))
    url = f"{API}/bookings/{a['id']}"
    for who in ("other", None):
        h = users.headers(who) if who else {}
        assert (await client.get(url, headers=h)).status == 404, who
        assert (await client.patch(url, json={"notes": "x"}, headers=h)).status == 404, who
        assert (await client.delete(url, headers=h)).status == 404, who
        assert (await client.post(f"{url}/confirm", headers=h)).status in (401, 404), who
        assert (await client.post(f"{url}/decline", headers=h)).status in (401, 404), who
    assert (await client.get(url, headers=users.headers("ben"))).status == 404  # not his resource
    # a guest's manage token opens that guest's booking only
    guest = await book(client, {"service": "meeting-room", "attendee": GUEST,
                                "starts_at": (await free_slots(client, "meeting-room"))[0]})
    other_token = {"X-Manage-Token": guest["manage_token"]}
    assert (await client.get(url, headers=other_token)).status == 404
    assert (await client.patch(url, json={"notes": "x"}, headers=other_token)).status == 404
    assert (await client.delete(url, headers=other_token)).status == 404
    assert (await client.post(f"{url}/confirm", headers=other_token)).status == 401
    for who in ("ana", "admin", "member"):
        got = await client.get(url, headers=users.headers(who))
        assert got.status == 200, who
        assert (await got.json())["attendee"]["email"] == "member@example.com"
    noted = await client.patch(url, json={"notes": "provider note"}, headers=users.headers("ana"))
    assert noted.status == 200
    assert (await client.get(f"{API}/bookings/not-a-uuid", headers=users.headers("admin"))).status == 404
    cancelled = await client.delete(url, headers=users.headers("admin"))
    assert cancelled.status == 200
