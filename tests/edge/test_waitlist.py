"""The waitlist over HTTP: join a full slot (guest and member), the tokens, the offer page's
API (see, accept, decline), the admin's list, reorder and offer time; hostile input is 4xx."""

from __future__ import annotations

from typing import Any

import psycopg
from aiohttp.test_utils import TestClient

from booker.waitlist import ENTRY, OFFER, waitlist_token
from tests.edge.conftest import GUEST, SECRET, Users

API = "/api/v1"


async def sold_out_concert(client: TestClient[Any, Any]) -> str:
    resp = await client.get(f"{API}/services/limited-concert")
    start: str = (await resp.json())["starts_at"]
    for n in range(2):
        resp = await client.post(
            f"{API}/bookings",
            json={
                "service": "limited-concert",
                "starts_at": start,
                "attendee": {"name": "B", "email": f"b{n}@example.com"},
            },
        )
        assert resp.status == 201, await resp.text()
    return start


async def join(client: TestClient[Any, Any], start: str, **extra: Any) -> Any:
    resp = await client.post(
        f"{API}/waitlist", json={"service": "limited-concert", "starts_at": start, **extra}
    )
    assert resp.status == 201, await resp.text()
    return await resp.json()


async def test_join_when_full_then_an_offer_is_accepted_with_its_token(
    client: TestClient[Any, Any], users: Users, db_url: str
) -> None:
    start = await sold_out_concert(client)
    guest = await join(client, start, attendee=GUEST)
    assert (guest["status"], guest["place"], guest["token"]) == (
        "waiting",
        1,
        waitlist_token(SECRET, ENTRY, guest["id"]),
    )
    resp = await client.post(
        f"{API}/waitlist",
        json={"service": "limited-concert", "starts_at": start},
        headers=users.headers("member"),
    )
    assert resp.status == 201
    member = await resp.json()
    assert (member["place"], member["member"], "token" in member) == (2, True, False)
    again = await join(client, start, attendee=GUEST)
    assert again["id"] == guest["id"]

    url = f"{API}/waitlist/{guest['id']}"
    assert (await client.get(url)).status == 404
    assert (await client.get(url, headers={"X-Waitlist-Token": "wrong"})).status == 404
    assert (await client.get(url, headers=users.headers("member"))).status == 404
    assert (await (await client.get(url, headers={"X-Waitlist-Token": guest["token"]})).json())["place"] == 1

    with psycopg.connect(db_url, autocommit=True) as c:  # a cancellation: the seat goes to the first in line
        c.execute(
            "SELECT api.cancel_booking(id, NULL) FROM booking.bookings"
            " WHERE attendee_email = 'b0@example.com'"
        )
        offer_id = str(
            c.execute(
                "SELECT offer_id FROM booking.waitlist_entries WHERE id = %s", (guest["id"],)
            ).fetchone()[0]
        )  # type: ignore[index]
    token = {"X-Waitlist-Token": waitlist_token(SECRET, OFFER, offer_id)}
    offer_url = f"{API}/waitlist/offers/{offer_id}"
    assert (
        await client.get(offer_url, headers={"X-Waitlist-Token": guest["token"]})
    ).status == 404  # the entry's
    assert (await client.post(f"{offer_url}/accept", headers=users.headers("member"))).status == 404
    offer = await (await client.get(offer_url, headers=token)).json()
    assert (offer["offer_status"], offer["status"], offer["booking"]["status"]) == ("open", "offered", "held")
    resp = await client.post(f"{offer_url}/accept", headers=token)
    assert resp.status == 200, await resp.text()
    booking = await resp.json()
    assert booking["status"] == "confirmed" and booking["manage_token"]
    assert (
        await client.get(
            f"{API}/bookings/{booking['id']}", headers={"X-Manage-Token": booking["manage_token"]}
        )
    ).status == 200
    # the member leaves; then nobody waits
    resp = await client.delete(f"{API}/waitlist/{member['id']}", headers=users.headers("member"))
    assert (await resp.json())["status"] == "left"
    assert (await (await client.get(f"{API}/me/waitlist", headers=users.headers("member"))).json()) == {
        "data": []
    }


async def test_a_lapsed_offer_is_409_and_decline_passes_it_on(
    client: TestClient[Any, Any], db_url: str
) -> None:
    start = await sold_out_concert(client)
    first = await join(client, start, attendee={"name": "One", "email": "one@example.com"})
    second = await join(client, start, attendee={"name": "Two", "email": "two@example.com"})
    with psycopg.connect(db_url, autocommit=True) as c:
        c.execute(
            "SELECT api.cancel_booking(id, NULL) FROM booking.bookings"
            " WHERE attendee_email = 'b0@example.com'"
        )
        o1, o2 = (
            str(
                c.execute(
                    "SELECT offer_id FROM booking.waitlist_entries WHERE id = %s", (e["id"],)
                ).fetchone()[0]
            )
            for e in (first, second)
        )  # type: ignore[index]
    assert o2 == "None"
    resp = await client.post(
        f"{API}/waitlist/offers/{o1}/decline", headers={"X-Waitlist-Token": waitlist_token(SECRET, OFFER, o1)}
    )
    assert (await resp.json())["status"] == "declined"
    with psycopg.connect(db_url, autocommit=True) as c:
        o2 = str(
            c.execute(
                "SELECT offer_id FROM booking.waitlist_entries WHERE id = %s", (second["id"],)
            ).fetchone()[0]
        )  # type: ignore[index]
        c.execute(
            "UPDATE booking.bookings SET hold_expires_at = now() - interval '1 second' WHERE id = %s", (o2,)
        )
    resp = await client.post(
        f"{API}/waitlist/offers/{o2}/accept", headers={"X-Waitlist-Token": waitlist_token(SECRET, OFFER, o2)}
    )
    assert resp.status == 409
    assert "expired" in (await resp.json())["detail"]


async def test_hostile_joins_are_4xx_naming_the_field(client: TestClient[Any, Any]) -> None:
    start = await sold_out_concert(client)
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({"service": "limited-concert", "starts_at": start}, 422, "attendee.name"),
        (
            {"service": "limited-concert", "starts_at": start, "attendee": {"name": "A", "email": "nope"}},
            422,
            "attendee.email",
        ),
        ({"service": "limited-concert", "starts_at": "tomorrow", "attendee": GUEST}, 422, "starts_at"),
        (
            {"service": "limited-concert", "starts_at": start, "seats": 10**12, "attendee": GUEST},
            422,
            "seats",
        ),
        ({"service": "limited-concert", "starts_at": start, "seats": 5, "attendee": GUEST}, 422, "seats"),
        ({"service": "x" * 5000, "starts_at": start, "attendee": GUEST}, 422, "service"),
        (
            {"service": "meeting-room", "starts_at": "2030-01-01T03:07:00Z", "attendee": GUEST},
            422,
            "starts_at",
        ),
        (
            {
                "service": "limited-concert",
                "starts_at": start,
                "attendee": {"name": "A" * 300, "email": "a@b.cd"},
            },
            422,
            "attendee.name",
        ),
    ]
    for body, status, field in cases:
        resp = await client.post(f"{API}/waitlist", json=body)
        assert resp.status == status, (body, await resp.text())
        assert field in (await resp.json()).get("errors", {}), (body, await resp.text())
    assert (
        await client.post(f"{API}/waitlist", json={"service": "nope", "starts_at": start, "attendee": GUEST})
    ).status == 404
    assert (await client.get(f"{API}/waitlist/not-a-uuid")).status == 404
    assert (
        await client.post(
            f"{API}/waitlist/offers/00000000-0000-0000-0000-000000000000/accept",
            headers={"X-Waitlist-Token": "x"},
        )
    ).status == 404


async def test_admin_sees_reorders_and_sets_the_offer_time(
    client: TestClient[Any, Any], users: Users
) -> None:
    start = await sold_out_concert(client)
    ids = [
        (await join(client, start, attendee={"name": f"P{n}", "email": f"p{n}@example.com"}))["id"]
        for n in range(3)
    ]
    admin = users.headers("admin")
    assert (await client.get(f"{API}/admin/waitlist", headers=users.headers("member"))).status == 403
    resp = await client.post(f"{API}/admin/waitlist/{ids[2]}/move", json={"place": 1}, headers=admin)
    assert (await resp.json())["place"] == 1
    listed = (
        await (
            await client.get(f"{API}/admin/waitlist", params={"service": "limited-concert"}, headers=admin)
        ).json()
    )["data"]
    assert [e["name"] for e in listed] == ["P2", "P0", "P1"]
    assert listed[0]["waitlist_offer_minutes"] == 30
    assert (
        await client.post(f"{API}/admin/waitlist/{ids[2]}/move", json={"place": 0}, headers=admin)
    ).status == 422
    assert (await client.get(f"{API}/admin/waitlist", params={"status": "nope"}, headers=admin)).status == 422
    resp = await client.delete(f"{API}/admin/waitlist/{ids[0]}", headers=admin)
    assert (await resp.json())["status"] == "left"
    service_id = (await (await client.get(f"{API}/services/limited-concert")).json())["id"]
    resp = await client.put(
        f"{API}/admin/services/{service_id}/waitlist", json={"waitlist_offer_minutes": 45}, headers=admin
    )
    assert await resp.json() == {"waitlist_offer_minutes": 45}
    listed = await (await client.get(f"{API}/admin/waitlist", headers=admin)).json()
    assert listed["offer_minutes"]["limited-concert"] == 45
    resp = await client.put(
        f"{API}/admin/services/{service_id}/waitlist", json={"waitlist_offer_minutes": 1}, headers=admin
    )
    assert resp.status == 422 and "waitlist_offer_minutes" in (await resp.json())["errors"]
