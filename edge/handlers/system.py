"""Liveness, readiness, the OpenAPI document and its local docs page."""

from __future__ import annotations

from aiohttp import web

from booker import DB_DIR
from edge import db
from edge.http import json_response


async def health(request: web.Request) -> web.Response:
    """Liveness: the process answers. No database call."""
    return json_response({"status": "ok"})


def _expected_migrations() -> set[str]:
    return {p.stem for p in (DB_DIR / "migrations").glob("*.sql") if not p.stem.endswith(".rollback")}


async def ready(request: web.Request) -> web.Response:
    """Readiness: the database answers and every migration in db/migrations is applied."""
    try:
        rows = await db.query(request, "SELECT migration_id FROM api.applied_migrations()")
    except Exception:
        return json_response({"status": "unavailable", "database": "unreachable"}, status=503)
    pending = sorted(_expected_migrations() - {r["migration_id"] for r in rows})
    if pending:
        return json_response({"status": "unavailable", "database": "ok", "pending_migrations": pending},
                             status=503)
    return json_response({"status": "ok", "database": "ok", "pending_migrations": []})
