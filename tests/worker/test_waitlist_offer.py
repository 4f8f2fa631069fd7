"""The waitlist's offer email: sent by the worker through SMTP with a link whose token the
edge accepts, no calendar attachment (an offer is not a booking yet), and the seat's
hold-until time in the resource's zone; the link's page books the seat."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import psycopg
from aiohttp.test_utils import TestClient

from edge.app import create_app
from tests.worker.conftest import PUBLIC_URL, SinkServer, make_settings, make_worker

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]


async def test_the_offer_email_links_to_a_page_that_books_the_held_seat(
    owner: psycopg.Connection[Any], app_db_url: str, sink: SinkServer, aiohttp_client: ClientFactory
) -> None:
    start = owner.execute(
        "SELECT lower(fixed_window) AS s FROM booking.services WHERE slug = 'limited-concert'"
    ).fetchone()["s"]  # type: ignore[index]
    first = owner.execute(
        'SELECT id FROM api.book_slot(\'limited-concert\', %s, \'{"name": "A", "email": "a@example.com"}\')',
        (start,),
    ).fetchone()["id"]  # type: ignore[index]
    owner.execute(
        'SELECT api.book_slot(\'limited-concert\', %s, \'{"name": "B", "email": "b@example.com"}\')', (start,)
    )
    owner.execute(
        "SELECT api.join_waitlist('limited-concert', %s, %s::jsonb)",
        (start, '{"name": "Wanda Wait", "email": "wanda@example.com"}'),
    )
    owner.execute("SELECT api.cancel_booking(%s, NULL)", (first,))
    owner.commit()
    await make_worker(app_db_url, sink.port).run(until_idle=True)

    [offer] = sink.handler.to("wanda@example.com")
    msg = offer.message
    assert msg["Subject"].startswith("A seat is free: Limited concert")
    assert not [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
    assert "Held until:" in offer.text() and "(Europe/Berlin)" in offer.text()
    found = re.search(
        rf"{re.escape(PUBLIC_URL)}/waitlist/offer/([0-9a-f-]+)\?token=([A-Za-z0-9_-]+)", offer.text()
    )
    assert found, offer.text()

    client = await aiohttp_client(create_app(make_settings(sink.port), database_url=app_db_url))
    page = await client.get(f"/waitlist/offer/{found.group(1)}?token={found.group(2)}")
    assert page.status == 200  # a page with a button: opening the link changes nothing
    assert (
        owner.execute(
            "SELECT status::text AS s FROM booking.bookings WHERE id = %s", (found.group(1),)
        ).fetchone()["s"]
        == "held"
    )  # type: ignore[index]
    resp = await client.post(
        f"/api/v1/waitlist/offers/{found.group(1)}/accept", headers={"X-Waitlist-Token": found.group(2)}
    )
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["status"] == "confirmed"
    await make_worker(app_db_url, sink.port).run(until_idle=True)
    assert [m.message["Subject"].split(":")[0] for m in sink.handler.to("wanda@example.com")] == [
        "A seat is free",
        "Confirmed",
    ]
