"""Abuse limits: per-address rate limits kept in PostgreSQL (api.rate_limit, shared by every
edge process), and the gate in front of password hashing (per process: argon2 is CPU-bound).

Which limits exist and their defaults: booker/settings.py LIMITS; docs/operations.md "Security".
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Callable
from typing import TypeVar

from aiohttp import web

from edge import db
from edge.auth import client_address
from edge.errors import Problem

T = TypeVar("T")


async def rate_limit(request: web.Request, setting: str, bucket: str, key: str | None = None) -> None:
    """Count this request in `bucket` for the client's address (or `key`); 429 with Retry-After
    once the limit of settings.<setting> is used up in its window. Nothing when the limit is off."""
    limit = request.app[db.SETTINGS].limit(setting)
    if limit is None:
        return
    count, seconds = limit
    await db.query(
        request,
        "SELECT api.rate_limit(%s, %s, %s, %s)",
        (bucket, key or client_address(request), count, seconds),
    )


async def check(request: web.Request, checks: list[tuple[str, str, str]]) -> None:
    """429 with Retry-After when any (setting, bucket, key) is used up; counts nothing. One query."""
    settings = request.app[db.SETTINGS]
    todo = [(bucket, key, limit[0]) for setting, bucket, key in checks
            if (limit := settings.limit(setting))]
    if todo:
        await db.query(request, "SELECT api.rate_limit_check(b, k, n) FROM unnest(%s::text[], %s::text[], "
                       "%s::int[]) AS t(b, k, n)", [list(column) for column in zip(*todo, strict=True)])


async def count(request: web.Request, events: list[tuple[str, str, str]]) -> None:
    """Count events, e.g. a failed sign-in, per (setting, bucket, key) without refusing. One query."""
    settings = request.app[db.SETTINGS]
    todo = [(bucket, key, *limit) for setting, bucket, key in events
            if (limit := settings.limit(setting))]
    if todo:
        await db.query(request, "SELECT api.rate_limit(b, k, n, w, false) FROM unnest(%s::text[], "
                       "%s::text[], %s::int[], %s::int[]) AS t(b, k, n, w)",
                       [list(column) for column in zip(*todo, strict=True)])


class HashGate:
    """In front of password hashing (argon2 is CPU-bound on purpose): at most `per_address`
    sign-ins or registrations in progress per client address (more: 429 at once, before any
    database work), at most `workers` hashes at once in this process and at most `queue`
    waiting (more: 503). A flood from one place costs two hashes, not eighty, and does not
    queue in front of everyone else's sign-in."""

    def __init__(self, workers: int | None = None, per_address: int = 2, queue: int | None = None) -> None:
        self.workers = workers or max(1, os.cpu_count() or 1)
        self.per_address = per_address
        self.queue = queue if queue is not None else 16 * self.workers
        self._running: dict[str, int] = {}
        self._waiting = 0
        self._semaphore: asyncio.Semaphore | None = None

    @contextlib.asynccontextmanager
    async def client(self, address: str) -> AsyncIterator[None]:
        if self._running.get(address, 0) >= self.per_address:
            raise Problem(429, "too many sign-ins at once from your address; try again in a second",
                          headers={"Retry-After": "1"})
        self._running[address] = self._running.get(address, 0) + 1
        try:
            yield
        finally:
            self._running[address] -= 1
            if not self._running[address]:
                del self._running[address]

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        if self._waiting >= self.queue:
            raise Problem(503, "too many sign-ins at once; try again shortly", headers={"Retry-After": "1"})
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.workers)
        self._waiting += 1
        try:
            await self._semaphore.acquire()
        finally:
            self._waiting -= 1
        try:
            return await asyncio.to_thread(fn, *args)
        finally:
            self._semaphore.release()


HASH_GATE = web.AppKey("hash_gate", HashGate)


def signing_in(request: web.Request) -> contextlib.AbstractAsyncContextManager[None]:
    """Hold one of the client address's sign-in places for the rest of the request (none to
    hold with BOOKER_RATE_LIMITS=false)."""
    if not request.app[db.SETTINGS].rate_limits:
        return contextlib.nullcontext()
    return request.app[HASH_GATE].client(client_address(request))


async def hashing(request: web.Request, fn: Callable[..., T], *args: object) -> T:
    """Run a password hash or check through the app's gate."""
    return await request.app[HASH_GATE].run(fn, *args)
