"""The outbox as the worker sees it: typed calls of the named queries in worker.queries,
each its own short transaction on an autocommit connection."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import dict_row

from worker import queries

Row = dict[str, Any]


class Outbox:
    def __init__(self, conn: psycopg.AsyncConnection[Any], worker_id: str):
        self.conn = conn
        self.worker_id = worker_id

    @classmethod
    async def connect(cls, url: str, worker_id: str) -> Outbox:
        # prepare_threshold=None: no prepared statements, so it runs behind PgBouncer in transaction mode
        conn = await psycopg.AsyncConnection.connect(url, autocommit=True, application_name="booker-worker",
                                                     prepare_threshold=None)
        return cls(conn, worker_id)

    async def close(self) -> None:
        await self.conn.close()

    async def _value(self, sql: str, params: dict[str, Any]) -> Any:
        cur = await self.conn.execute(sql, params)
        row = await cur.fetchone()
        return row[0] if row else None

    async def claim(self, limit: int, lease_seconds: float) -> list[Row]:
        async with self.conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(
                queries.CLAIM, {"worker": self.worker_id, "limit": limit, "lease_seconds": lease_seconds}
            )
            return await cur.fetchall()

    async def mark_sent(self, ids: list[int]) -> int:
        return int(await self._value(queries.MARK_SENT, {"ids": ids, "worker": self.worker_id}))

    async def mark_failed(self, row_id: int, error: str, retry_in: float | None) -> str | None:
        params = {"id": row_id, "worker": self.worker_id, "error": error, "retry_in_seconds": retry_in}
        status = await self._value(queries.MARK_FAILED, params)
        return None if status is None else str(status)

    async def renew(self, ids: list[int], lease_seconds: float) -> int:
        if not ids:
            return 0
        params = {"ids": ids, "worker": self.worker_id, "lease_seconds": lease_seconds}
        return int(await self._value(queries.RENEW, params))

    async def release(self, ids: list[int]) -> int:
        if not ids:
            return 0
        return int(await self._value(queries.RELEASE, {"ids": ids, "worker": self.worker_id}))

    async def expire_holds(self) -> int:
        return int(await self._value(queries.EXPIRE_HOLDS, {}))
