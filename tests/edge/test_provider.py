"""The provider's workspace routes and the links of the provider's "please confirm" email
(issue 13): who may see and change what, and how a refused link explains itself."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from aiohttp.test_utils import TestClient

from tests.edge.conftest import Users, free_slots
from tests.edge.test_bookings import book

API = "/api/v1"


async def pending_request(client: TestClient[Any, Any], users: Users, index: int = -1) -> dict[str, Any]:
    """A member's request for Cara's expert call (it needs her confirmation)."""
    starts = await free_slots(client, "expert-call", days=20)
    booking = await book(
        client, {"service": "expert-call", "starts_at": starts[index]}, users.headers("member")
    )
    assert booking["status"] == "pending"
    return booking


def resource_id(demo_url: str, slug: str) -> str:
    with psycopg.connect(demo_url) as conn:
        row = conn.execute("SELECT id::text FROM booking.resources WHERE slug = %s", (slug,)).fetchone()
    assert row
    return str(row[0])


def link_token(demo_url: str, booking_id: str, action: str, expires: dt.datetime | None = None) -> str:
    """The token the worker puts in Cara's email (api.claim_notifications makes it the same way)."""
    with psycopg.connect(demo_url) as conn:
        row = conn.execute(
            "SELECT internal.email_action_token(%s, %s, %s)",
            (booking_id, action, expires or dt.datetime.now(dt.UTC) + dt.timedelta(days=7)),
        ).fetchone()
    assert row
    return str(row[0])


async def test_workspace_shows_the_providers_bookings_only(
    client: TestClient[Any, Any], users: Users
) -> None:
    booking = await pending_request(client, users)
    mine = await client.get(
        f"{API}/provider/bookings", params={"status": "pending"}, headers=users.headers("cara")
    )
    assert mine.status == 200, await mine.text()
    data = (await mine.json())["data"]
    assert [b["id"] for b in data] == [booking["id"]]
    assert data[0]["attendee"]["email"] == "member@example.com"  # the provider sees who booked
    for who in ("ana", "member", "admin"):  # another provider, the customer, an admin's own workspace
        resp = await client.get(f"{API}/provider/bookings", headers=users.headers(who))
        assert booking["id"] not in [b["id"] for b in (await resp.json())["data"]], who
    assert (await client.get(f"{API}/provider/bookings")).status == 401
    bad = await client.get(
        f"{API}/provider/bookings", params={"status": "nope"}, headers=users.headers("cara")
    )
    assert bad.status == 422 and "status" in (await bad.json())["errors"]
    backwards = await client.get(
        f"{API}/provider/bookings",
        headers=users.headers("cara"),
        params={"from": "2030-01-02T00:00:00Z", "to": "2030-01-01T00:00:00Z"},
    )
    assert backwards.status == 422 and "to" in (await backwards.json())["errors"]

    me = await (await client.get(f"{API}/me", headers=users.headers("cara"))).json()
    assert me["provider"] is True
    assert (await (await client.get(f"{API}/me", headers=users.headers("member"))).json())[
        "provider"
    ] is False
    resources = await (await client.get(f"{API}/provider/resources", headers=users.headers("cara"))).json()
    assert [r["slug"] for r in resources["data"]] == ["provider-cara"]
    assert (
        await (await client.get(f"{API}/provider/resources", headers=users.headers("member"))).json()
    ) == {"data": []}


async def test_hours_and_closures_are_the_owners(
    client: TestClient[Any, Any], users: Users, demo_url: str
) -> None:
    cara = resource_id(demo_url, "provider-cara")
    rules = {"rules": [{"weekday": d, "start": "10:00", "end": "12:00"} for d in range(1, 6)]}
    url = f"{API}/provider/resources/{cara}"
    for who, status in (("ana", 403), ("member", 403)):
        resp = await client.put(f"{url}/rules", json=rules, headers=users.headers(who))
        assert resp.status == status, who
        assert "owner" in (await resp.json())["detail"]
        assert (await client.get(f"{url}/closures", headers=users.headers(who))).status == status
        assert (
            await client.post(
                f"{url}/closures",
                headers=users.headers(who),
                json={"starts_at": "2030-01-01T00:00:00Z", "ends_at": "2030-01-02T00:00:00Z"},
            )
        ).status == status
    assert (await client.put(f"{url}/rules", json=rules)).status == 401
    unknown = await client.put(
        f"{API}/provider/resources/{'0' * 8}-0000-0000-0000-{'0' * 12}/rules",
        json=rules,
        headers=users.headers("cara"),
    )
    assert unknown.status == 404
    assert (
        await client.put(
            f"{url}/rules",
            json={"rules": [{"weekday": 9, "start": "x", "end": "12:00"}]},
            headers=users.headers("cara"),
        )
    ).status == 422

    resp = await client.put(f"{url}/rules", json=rules, headers=users.headers("cara"))
    assert resp.status == 200, await resp.text()
    assert {(r["start"], r["end"]) for r in await resp.json()} == {("10:00", "12:00")}
    slots = await free_slots(client, "expert-call", days=14)
    local = [dt.datetime.fromisoformat(s).astimezone(ZoneInfo("America/New_York")) for s in slots]
    assert local, "the new hours offer slots"
    assert all(10 <= s.hour < 12 for s in local)  # the booking grid shows the change
    # an admin edits anyone's
    assert (await client.put(f"{url}/rules", json=rules, headers=users.headers("admin"))).status == 200

    created = await client.post(
        f"{url}/closures",
        headers=users.headers("cara"),
        json={"starts_at": "2030-01-01T00:00:00Z", "ends_at": "2030-01-08T00:00:00Z", "reason": "holiday"},
    )
    assert created.status == 201, await created.text()
    closure = await created.json()
    listed = await (await client.get(f"{url}/closures", headers=users.headers("cara"))).json()
    assert [c["id"] for c in listed["data"]] == [closure["id"]]
    assert (
        await client.delete(f"{url}/closures/{closure['id']}", headers=users.headers("ana"))
    ).status == 403
    assert (
        await client.delete(f"{url}/closures/{closure['id']}", headers=users.headers("cara"))
    ).status == 204


async def test_email_link_confirms_once_and_explains(
    client: TestClient[Any, Any], users: Users, demo_url: str
) -> None:
    booking = await pending_request(client, users)
    confirm = link_token(demo_url, booking["id"], "confirm")
    decline = link_token(demo_url, booking["id"], "decline")

    seen = await client.get(f"{API}/email-action", params={"token": confirm})
    assert seen.status == 200, await seen.text()
    body = await seen.json()
    assert (body["action"], body["state"], body["booking"]["reference"]) == (
        "confirm",
        "open",
        booking["reference"],
    )
    still = await client.get(f"{API}/bookings/{booking['id']}", headers=users.headers("member"))
    assert (await still.json())["status"] == "pending"  # opening the link changed nothing

    done = await client.post(f"{API}/email-action", json={"token": confirm})
    assert done.status == 200, await done.text()
    assert (await done.json())["booking"]["status"] == "confirmed"
    again = await client.post(f"{API}/email-action", json={"token": confirm})
    assert again.status == 409
    assert (await again.json())["detail"].startswith("This link was already used on ")
    other = await client.post(f"{API}/email-action", json={"token": decline, "reason": "no"})
    assert other.status == 409 and (await other.json())["detail"] == "This booking is already confirmed."


async def test_email_link_refusals(client: TestClient[Any, Any], users: Users, demo_url: str) -> None:
    booking = await pending_request(client, users, index=-2)
    decline = link_token(demo_url, booking["id"], "decline")
    tampered = decline[:-3] + ("AAA" if not decline.endswith("AAA") else "BBB")
    for token in (tampered, decline.replace(".decline.", ".confirm."), decline[:50], "x"):
        for resp in (
            await client.get(f"{API}/email-action", params={"token": token}),
            await client.post(f"{API}/email-action", json={"token": token}),
        ):
            assert resp.status == 403, token
            assert (await resp.json())["detail"].startswith("this link is not valid")
    long = await client.get(f"{API}/email-action", params={"token": "x" * 5000})
    assert long.status == 422 and "token" in (await long.json())["errors"]
    assert (await client.post(f"{API}/email-action", json={})).status == 422
    assert (
        await client.post(f"{API}/email-action", json={"token": decline, "reason": "x" * 501})
    ).status == 422

    expired = link_token(
        demo_url, booking["id"], "decline", dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    )
    seen = await (await client.get(f"{API}/email-action", params={"token": expired})).json()
    assert seen["state"] == "expired" and seen["message"].startswith("This link expired on")
    gone = await client.post(f"{API}/email-action", json={"token": expired})
    assert gone.status == 410 and (await gone.json())["detail"].startswith("This link expired on")

    ok = await client.post(f"{API}/email-action", json={"token": decline, "reason": "On holiday"})
    assert ok.status == 200
    mine = await (await client.get(f"{API}/bookings/{booking['id']}", headers=users.headers("member"))).json()
    assert mine["status"] == "declined"

    cancelled = await pending_request(client, users, index=-3)
    token = link_token(demo_url, cancelled["id"], "confirm")
    assert (
        await client.delete(f"{API}/bookings/{cancelled['id']}", headers=users.headers("member"))
    ).status == 200
    seen = await (await client.get(f"{API}/email-action", params={"token": token})).json()
    assert (seen["state"], seen["message"]) == ("decided", "This booking was cancelled.")
