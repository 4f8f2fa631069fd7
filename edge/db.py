"""The connection pool and the typed application keys the edge shares.

Every database call goes through `query()`/`query_one()`/`transaction()`: they take a
pooled connection and let errors reach the error middleware, which maps them through the
one SQLSTATE table. `query()`/`query_one()` (one statement) retry once on a serialization
failure (40001) or a deadlock (40P01; the allocation never deadlocks, but a deadlock must
never read as "taken"); a `transaction()` block cannot be re-run from here, so there they
answer 503 with Retry-After, and the client retries.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, LiteralString

import psycopg
from aiohttp import web
from psycopg import sql
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool
from psycopg_pool.base import AttemptWithBackoff

from booker.settings import Settings

POOL = web.AppKey("pool", AsyncConnectionPool)
SETTINGS = web.AppKey("settings", Settings)
# Overrides settings.database_url (tests and `create_app(database_url=...)`).
DATABASE_URL = web.AppKey("database_url", str)

Params = Sequence[Any] | dict[str, Any] | None
# A constant SQL string, or one composed with psycopg.sql (identifiers from a whitelist).
Query = LiteralString | sql.Composable
Row = dict[str, Any]


def pool(request: web.Request) -> AsyncConnectionPool:
    return request.app[POOL]


async def _configure(conn: psycopg.AsyncConnection[Any]) -> None:
    # Autocommit: each api.* call is its own transaction; UTC: JSON times are stable.
    await conn.set_autocommit(True)
    await conn.execute("SET TimeZone = 'UTC'")


class _Reconnect(AttemptWithBackoff):
    """Reconnect attempts every 0.1 s growing to at most 1 s (psycopg_pool's own backoff
    doubles from 1 s without bound, so service came back ~17 s after connections freed up)."""

    INITIAL_DELAY = 0.1
    MAX_DELAY = 1.0

    def update_delay(self, now: float) -> None:
        super().update_delay(now)
        self.delay = min(self.delay, self.MAX_DELAY)


class Pool(AsyncConnectionPool):
    async def _add_connection(self, attempt: AttemptWithBackoff | None, growing: bool = False) -> None:
        await super()._add_connection(attempt or _Reconnect(timeout=self.reconnect_timeout), growing)


def make_pool(url: str, size: int, wait: float = 3.0) -> AsyncConnectionPool:
    """`wait`: how long a request waits for a free connection before 503 busy (PoolTimeout).
    The queue of waiters is not capped (max_waiting): the wait is bounded, a waiter costs a
    future, and a burst larger than the pool (200 buyers, 10 connections) should queue, not fail.
    A connection that died while idle is noticed when taken (check), not by the request."""
    return Pool(
        url,
        min_size=min(2, size),
        max_size=size,
        open=False,
        configure=_configure,
        check=AsyncConnectionPool.check_connection,
        timeout=wait,
        name="booker-edge",
        kwargs={"application_name": "booker-edge"},
    )


async def db_cleanup_ctx(app: web.Application) -> AsyncIterator[None]:
    """Open the pool on start-up and close it on shutdown (aiohttp cleanup_ctx)."""
    settings = app[SETTINGS]
    url = app.get(DATABASE_URL) or settings.database_url
    if not url:
        raise RuntimeError("DATABASE_URL is not set")
    p = make_pool(url, settings.db_pool_size, settings.db_pool_wait)
    await p.open(wait=False)
    app[POOL] = p
    try:
        yield
    finally:
        await p.close()



Target = web.Request | web.Application


async def query(request: Target, sql: Query, params: Params = None) -> list[Row]:
    """Run one statement (autocommit) and return its rows as dicts; 40001/40P01 are retried once."""
    app = request.app if isinstance(request, web.Request) else request
    for attempt in (1, 2):
        try:
            async with app[POOL].connection() as conn, conn.cursor(row_factory=dict_row) as cur:
                await cur.execute(sql, params)
                return await cur.fetchall() if cur.description else []
        except (psycopg.errors.SerializationFailure, psycopg.errors.DeadlockDetected):
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


async def query_one(request: Target, sql: Query, params: Params = None) -> Row | None:
    rows = await query(request, sql, params)
    return rows[0] if rows else None


@asynccontextmanager
async def transaction(request: web.Request) -> AsyncIterator[psycopg.AsyncCursor[Row]]:
    """A cursor inside one transaction, for the few handlers that need two statements."""
    async with request.app[POOL].connection() as conn, conn.transaction():
        async with conn.cursor(row_factory=dict_row) as cur:
            yield cur
