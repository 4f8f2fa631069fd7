"""The connection pool and the typed application keys the edge shares.

Every database call goes through `query()`/`query_one()`/`transaction()`: they take a
pooled connection and let errors reach the error middleware, which maps them through the
one SQLSTATE table. `query()`/`query_one()` (one statement) retry once on a serialization
failure (40001) or a deadlock (40P01; the allocation never deadlocks, but a deadlock must
never read as "taken"); a `transaction()` block cannot be re-run from here, so there they
answer 503 with Retry-After, and the client retries.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, LiteralString

import psycopg
from aiohttp import web
from psycopg import sql
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool, PoolTimeout
from psycopg_pool.base import AttemptWithBackoff

from booker.settings import Settings

log = logging.getLogger("booker.edge")

POOL = web.AppKey("pool", AsyncConnectionPool)
SETTINGS = web.AppKey("settings", Settings)
# Overrides settings.database_url (tests and `create_app(database_url=...)`).
DATABASE_URL = web.AppKey("database_url", str)
READ_DATABASE_URL = web.AppKey("read_database_url", str)
LISTEN_DATABASE_URL = web.AppKey("listen_database_url", str)

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


def make_pool(url: str, size: int, wait: float = 3.0, name: str = "booker-edge") -> AsyncConnectionPool:
    """`wait`: how long a request waits for a free connection before 503 busy (PoolTimeout).
    The queue of waiters is not capped (max_waiting): the wait is bounded, a waiter costs a
    future, and a burst larger than the pool (200 buyers, 10 connections) should queue, not fail.
    A connection that died while idle is noticed when taken (check), not by the request.

    Works unchanged behind PgBouncer in transaction mode: no client-side prepared statements
    (prepare_threshold=None: every statement is one call of an api function, whose plans
    PL/pgSQL caches server-side, and PgBouncer before 1.21 cannot carry them across server
    connections), no session state but TimeZone, which PgBouncer tracks per client and sets
    on whichever server connection serves it. After a failover (a multi-host URL with
    target_session_attrs=read-write), connections older than max_lifetime are replaced, and
    the broken ones are dropped when taken (check) and reconnected with a bounded backoff."""
    return Pool(
        url,
        min_size=min(2, size),
        max_size=size,
        open=False,
        configure=_configure,
        check=AsyncConnectionPool.check_connection,
        timeout=wait,
        max_lifetime=600.0,
        reconnect_timeout=300.0,
        name=name,
        kwargs={"application_name": name, "prepare_threshold": None},
    )


class ReadRouter:
    """The replica-lag guard: where a public read goes.

    A read goes to the replica (BOOKER_READ_DATABASE_URL) when it answers and api.read_position()
    there says it is at most `max_lag` seconds behind and has replayed the change sequence the
    client already knows (`since`: the seq of an answer or live event it has seen); otherwise,
    and when there is no replica, to the primary. A stale read can only show a slot as free that
    was just taken: booking it is decided on the primary and costs a 409 with alternatives."""

    def __init__(self, primary: AsyncConnectionPool, replica: AsyncConnectionPool | None,
                 max_lag: float) -> None:
        self.primary = primary
        self.replica = replica
        self.max_lag = max_lag
        self.reads: Counter[str] = Counter()  # replica, or primary:<why>
        self.pause = 1.0  # seconds the replica is not tried again after it did not answer
        self._skip_until = 0.0

    async def pool(self, since: int = 0) -> tuple[AsyncConnectionPool, int | None]:
        """The pool to read from, and the replica's seq when it is the replica."""
        if self.replica is None:
            return self.primary, None
        why = "behind"
        if time.monotonic() < self._skip_until:
            self.reads["primary:unavailable"] += 1
            return self.primary, None
        try:
            async with self.replica.connection(timeout=min(self.replica.timeout, 1.0)) as conn:
                cur = await conn.execute("SELECT seq, standby, lag_seconds FROM api.read_position()")
                row = await cur.fetchone()
        except (psycopg.Error, PoolTimeout) as exc:
            why, row = "unavailable", None
            self._skip_until = time.monotonic() + self.pause
            if self.reads["primary:unavailable"] % 100 == 0:
                log.warning("replica unavailable (%s); reading from the primary", type(exc).__name__)
        if row is not None:
            seq, _standby, lag = row
            if lag is not None and lag <= self.max_lag and seq >= since:
                self.reads["replica"] += 1
                return self.replica, int(seq)
            why = "behind" if seq >= since else "since"
        self.reads[f"primary:{why}"] += 1
        return self.primary, None


READS = web.AppKey("reads", ReadRouter)


async def db_cleanup_ctx(app: web.Application) -> AsyncIterator[None]:
    """Open the pool on start-up and close it on shutdown (aiohttp cleanup_ctx)."""
    settings = app[SETTINGS]
    url = app.get(DATABASE_URL) or settings.database_url
    if not url:
        raise RuntimeError("DATABASE_URL is not set")
    p = make_pool(url, settings.db_pool_size, settings.db_pool_wait)
    await p.open(wait=False)
    app[POOL] = p
    replica = None
    if read_url := app.get(READ_DATABASE_URL) or settings.read_database_url:
        replica = make_pool(read_url, settings.db_pool_size, settings.db_pool_wait, name="booker-edge-read")
        await replica.open(wait=False)
    app[READS] = ReadRouter(p, replica, settings.replica_max_lag)
    try:
        yield
    finally:
        if replica is not None:
            await replica.close()
        await p.close()



Target = web.Request | web.Application


async def query(request: Target, sql: Query, params: Params = None, *,
                on: AsyncConnectionPool | None = None) -> list[Row]:
    """Run one statement (autocommit) and return its rows as dicts; 40001/40P01 are retried once.
    `on`: the pool to run it on (a public read's, from `read_pool`); default the primary's."""
    app = request.app if isinstance(request, web.Request) else request
    pool: Any = app[POOL] if on is None else on  # as app[POOL] (typed Any by AppKey)
    for attempt in (1, 2):
        try:
            async with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
                await cur.execute(sql, params)
                return await cur.fetchall() if cur.description else []
        except (psycopg.errors.SerializationFailure, psycopg.errors.DeadlockDetected):
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


async def query_one(request: Target, sql: Query, params: Params = None, *,
                    on: AsyncConnectionPool | None = None) -> Row | None:
    rows = await query(request, sql, params, on=on)
    return rows[0] if rows else None


async def read_route(request: Target, since: int = 0) -> tuple[AsyncConnectionPool, int | None]:
    """The pool of a public read that needs nothing the client wrote itself: the replica when
    the lag guard allows it (ReadRouter), else the primary; and the replica's seq when it is
    the replica."""
    app = request.app if isinstance(request, web.Request) else request
    router = app.get(READS)
    if router is None:
        return app[POOL], None
    return await router.pool(since)


async def read_pool(request: Target, since: int = 0) -> AsyncConnectionPool:
    return (await read_route(request, since))[0]


@asynccontextmanager
async def transaction(request: web.Request) -> AsyncIterator[psycopg.AsyncCursor[Row]]:
    """A cursor inside one transaction, for the few handlers that need two statements."""
    async with request.app[POOL].connection() as conn, conn.transaction():
        async with conn.cursor(row_factory=dict_row) as cur:
            yield cur
