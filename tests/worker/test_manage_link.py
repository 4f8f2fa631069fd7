"""The guest's email links to /book/manage/<id>?token=<t>, and the edge accepts that token:
the worker and the edge derive it from the same BOOKER_SECRET (booker/manage.py)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import psycopg
from aiohttp.test_utils import TestClient

from edge.app import create_app
from tests.worker.conftest import GUEST, PUBLIC_URL, SinkServer, book, make_settings, make_worker, slots

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]


async def test_the_guest_email_link_carries_a_token_the_edge_accepts(
    owner: psycopg.Connection[Any], app_db_url: str, sink: SinkServer, aiohttp_client: ClientFactory
) -> None:
    booking = book(owner, "consultation", slots(owner, "consultation")[0]["starts_at"])
    await make_worker(app_db_url, sink.port).run(until_idle=True)
    [customer] = sink.handler.to(GUEST["email"])
    link = rf"{re.escape(PUBLIC_URL)}/book/manage/([0-9a-f-]+)\?token=([A-Za-z0-9_-]+)"
    found = re.search(link, customer.text())
    assert found, customer.text()
    assert found.group(1) == str(booking["id"])
    assert f"?token={found.group(2)}" in customer.part("text/html").get_content()

    client = await aiohttp_client(create_app(make_settings(sink.port), database_url=app_db_url))
    url = f"/api/v1/bookings/{booking['id']}"
    got = await client.get(url, headers={"X-Manage-Token": found.group(2)})
    assert got.status == 200, await got.text()
    assert (await got.json())["reference"] == booking["reference"]
    assert (await client.get(url, headers={"X-Manage-Token": found.group(2)[:-1]})).status == 404
    assert (await client.delete(url, headers={"X-Manage-Token": found.group(2)})).status == 200
