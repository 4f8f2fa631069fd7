"""A guest's manage token (booker/manage.py): derived from the booking id with BOOKER_SECRET,
returned in the 201, accepted only for that booking; tokens stored as a hash before keep working."""

from __future__ import annotations

from typing import Any

import psycopg
from aiohttp.test_utils import TestClient

from booker.manage import manage_token
from edge.auth import sha256
from tests.edge.conftest import GUEST, SECRET, free_slots

API = "/api/v1"


async def guest_booking(client: TestClient[Any, Any], start: str) -> dict[str, Any]:
    resp = await client.post(f"{API}/bookings", json={"service": "meeting-room", "starts_at": start,
                                                      "attendee": GUEST})
    assert resp.status == 201, await resp.text()
    return await resp.json()  # type: ignore[no-any-return]


async def test_the_token_from_the_201_manages_that_booking_only(client: TestClient[Any, Any],
                                                                db_url: str) -> None:
    first, second = (await free_slots(client, "meeting-room"))[:2]
    mine, theirs = await guest_booking(client, first), await guest_booking(client, second)
    assert mine["manage_token"] == manage_token(SECRET, mine["id"])  # what the worker puts in the email
    with psycopg.connect(db_url) as c:  # nothing about the token is stored
        assert c.execute("SELECT manage_token_hash FROM booking.bookings WHERE id = %s",
                         (mine["id"],)).fetchone() == (None,)
    url = f"{API}/bookings/{mine['id']}"
    for wrong in ("wrong", theirs["manage_token"], manage_token("another-secret-0123456789-0123456789",
                                                                mine["id"])):
        h = {"X-Manage-Token": wrong}
        assert (await client.get(url, headers=h)).status == 404
        assert (await client.patch(url, json={"notes": "x"}, headers=h)).status == 404
        assert (await client.delete(url, headers=h)).status == 404
    h = {"X-Manage-Token": mine["manage_token"]}
    got = await client.get(url, headers=h)
    assert got.status == 200 and (await got.json())["reference"] == mine["reference"]
    cancelled = await client.delete(url, headers=h)
    assert cancelled.status == 200 and (await cancelled.json())["status"] == "cancelled"
    other = await client.get(f"{API}/bookings/{theirs['id']}",
                             headers={"X-Manage-Token": theirs["manage_token"]})
    assert (await other.json())["status"] == "confirmed"


async def test_a_members_booking_has_no_manage_token(client: TestClient[Any, Any], db_url: str) -> None:
    start = (await free_slots(client, "meeting-room"))[0]
    with psycopg.connect(db_url) as c:
        row = c.execute("""SELECT b.id FROM api.book_slot('meeting-room', %s, p_user =>
                               (SELECT id FROM booking.users WHERE email = 'member@example.com')) b""",
                        (start,)).fetchone()
    assert row
    got = await client.get(f"{API}/bookings/{row[0]}",
                           headers={"X-Manage-Token": manage_token(SECRET, row[0])})
    assert got.status == 404


async def test_a_token_stored_as_a_hash_still_works(client: TestClient[Any, Any], db_url: str) -> None:
    start = (await free_slots(client, "meeting-room"))[0]
    with psycopg.connect(db_url) as c:
        row = c.execute("""SELECT b.id FROM api.book_slot('meeting-room', %s, p_attendee => %s::jsonb,
                                                          p_manage_token_hash => %s) b""",
                        (start, psycopg.types.json.Jsonb(GUEST), sha256("old-random-token"))).fetchone()
    assert row
    url = f"{API}/bookings/{row[0]}"
    assert (await client.get(url, headers={"X-Manage-Token": "old-random-token"})).status == 200
    assert (await client.get(url, headers={"X-Manage-Token": "old-random-tokeN"})).status == 404
    assert (await client.get(url, headers={"X-Manage-Token": manage_token(SECRET, row[0])})).status == 200
