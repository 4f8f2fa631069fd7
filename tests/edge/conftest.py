"""Edge fixtures: the app against this test's database, logged in as booker_app.

`client` has the demo data of SPEC §7 (loaded with the owner connection);
`bare_client` has an empty, migrated database. `tokens` mints access tokens for the
demo users without argon2 (the login flow itself is tested in test_auth.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import psycopg
import pytest
from aiohttp.test_utils import TestClient

from booker.settings import Settings
from edge.app import create_app
from edge.auth import issue_access_token

SECRET = "test-secret-0123456789-0123456789-abcdef"

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]


# The database fixtures come before aiohttp_client in every signature: fixtures are torn
# down in reverse, so the app (its pool and live listener) stops before the test database
# is dropped; the other way round a reconnecting listener can make DROP DATABASE fail.
@pytest.fixture
def settings() -> Settings:
    return Settings(environment="test", secret=SECRET, db_pool_size=10)


@pytest.fixture
async def bare_client(app_db_url: str, aiohttp_client: ClientFactory,
                      settings: Settings) -> TestClient[Any, Any]:
    return await aiohttp_client(create_app(settings, database_url=app_db_url))


@pytest.fixture
async def client(demo_url: str, app_db_url: str, aiohttp_client: ClientFactory,
                 settings: Settings) -> TestClient[Any, Any]:
    return await aiohttp_client(create_app(settings, database_url=app_db_url))


class Users:
    """Demo users by short name (admin, member, ana, ben, cara, plus `other` created on demand)."""

    def __init__(self, db_url: str, settings: Settings) -> None:
        self.db_url = db_url
        self.settings = settings
        with psycopg.connect(db_url) as c:
            self.rows = {r[1].split("@")[0]: {"id": r[0], "email": r[1], "role": r[2]}
                         for r in c.execute("SELECT id, email, role::text FROM booking.users")}

    def add(self, name: str, role: str = "member") -> dict[str, Any]:
        with psycopg.connect(self.db_url) as c:
            row = c.execute("INSERT INTO booking.users (email, name, role) VALUES (%s, %s, %s) RETURNING id",
                            (f"{name}@example.com", name.title(), role)).fetchone()
        assert row
        self.rows[name] = {"id": row[0], "email": f"{name}@example.com", "role": role}
        return self.rows[name]

    def id(self, name: str) -> Any:
        return self.rows[name]["id"]

    def headers(self, name: str) -> dict[str, str]:
        if name not in self.rows:
            self.add(name)
        row = self.rows[name]
        token, _ = issue_access_token(self.settings.secret, str(row["id"]), row["role"])
        return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def users(demo_url: str, settings: Settings) -> Users:
    return Users(demo_url, settings)


async def free_slots(client: TestClient[Any, Any], slug: str, days: int = 14,
                     resource: str | None = None) -> list[str]:
    """Start times of the available slots of a service (on one resource) in the `days` days from
    tomorrow: a slot later today may already be inside a cancellation cutoff, which would make
    a test depend on the hour it runs at."""
    import datetime as dt

    start = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=1)
    if resource:
        resp = await client.get("/api/v1/availability", params={
            "service": slug, "resource": resource, "from": start.isoformat(),
            "to": (start + dt.timedelta(days=days)).isoformat()})
        assert resp.status == 200, await resp.text()
        return [s["starts_at"] for r in (await resp.json())["resources"] for s in r["slots"]]
    end = start + dt.timedelta(days=days)
    resp = await client.get(f"/api/v1/services/{slug}/slots",
                            params={"from": start.isoformat(), "to": end.isoformat()})
    assert resp.status == 200, await resp.text()
    return [s["starts_at"] for s in (await resp.json())["slots"] if s["status"] == "available"]


GUEST = {"name": "Gina Guest", "email": "gina@example.net"}
