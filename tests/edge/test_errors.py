"""The error contract: no stack trace or SQL in a response, 5xx carry a request id that
the log also carries, a lost database connection is a 503 and the next request works,
and `booker serve` refuses to start without BOOKER_SECRET outside development."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from booker.settings import Settings
from edge import db
from edge.app import create_app
from edge.errors import Problem, problem_from_db, status_for_sqlstate

from .conftest import ClientFactory


async def _boom(request: web.Request) -> web.Response:
    raise RuntimeError("secret internals: SELECT * FROM booking.users")


async def test_unexpected_error_is_500_with_request_id(
        app_db_url: str, aiohttp_client: ClientFactory, settings: Settings,
        caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(settings, database_url=app_db_url)
    app.router.add_get("/boom", _boom)
    client = await aiohttp_client(app)
    with caplog.at_level(logging.ERROR, logger="booker.edge"):
        resp = await client.get("/boom", headers={"X-Request-Id": "trace-me-123"})
    assert resp.status == 500
    body = await resp.json()
    assert body["request_id"] == resp.headers["X-Request-Id"] == "trace-me-123"
    assert "SELECT" not in await resp.text() and "Traceback" not in await resp.text()
    assert any("trace-me-123" in r.getMessage() for r in caplog.records)


async def test_killed_idle_connections_cost_no_request(client: TestClient[Any, Any], db_url: str) -> None:
    """The pool checks a connection before lending it (edge/db.py), so connections killed while
    idle (a PostgreSQL restart, a proxy's timeout) are replaced without a single failed request.
    A connection lost *during* a request is a 503 (test_hardening: unavailable / outcome-unknown)."""
    assert (await client.get("/ready")).status == 200
    with psycopg.connect(db_url, autocommit=True) as c:
        killed = c.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                           "WHERE usename = 'booker_app' AND state = 'idle'").fetchone()
    assert killed and killed[0] >= 1  # the edge's pooled connections were there to kill
    statuses = [(await client.get("/api/v1/services/consultation")).status for _ in range(12)]
    assert statuses == [200] * 12


async def test_ready_is_503_without_database(aiohttp_client: ClientFactory, settings: Settings) -> None:
    app = create_app(settings, database_url="host=127.0.0.1 port=1 user=nobody dbname=none connect_timeout=1")
    client = await aiohttp_client(app)
    assert (await client.get("/health")).status == 200
    ready = await client.get("/ready")
    assert ready.status == 503
    assert (await ready.json())["database"] == "unreachable"


def test_sqlstate_table() -> None:
    assert [status_for_sqlstate(s) for s in ("RB404", "RB409", "RB422", "RB403", "23P01", "40P01", "23514",
                                             "22007", "40001", "08006", "XX000", None, "RB418")] == [
        404, 409, 422, 403, 409, 503, 422, 422, 503, 503, 500, 503, 418]


def test_db_errors_never_leak_sql(db_url: str) -> None:
    with psycopg.connect(db_url) as c:
        for statement, status in (("SELECT 1/0", 422), ("SELECT 'x'::int", 422), ("SELECT nope()", 500),
                                  ("SELECT pg_advisory_unlock_all(); SET TRANSACTION READ ONLY", 500)):
            try:
                c.execute(statement)  # type: ignore[arg-type]
            except psycopg.Error as exc:
                problem = problem_from_db(exc)
                c.rollback()
            assert isinstance(problem, Problem) and problem.status == status, statement
            assert "SELECT" not in (problem.detail or "") and "nope" not in (problem.detail or "")


async def test_deadlock_is_retried_then_503_never_taken(
        aiohttp_client: ClientFactory, settings: Settings, db_url: str, app_db_url: str) -> None:
    """A 40P01 is retried like a 40001; if it persists the answer is 503 with Retry-After,
    never 409 "taken" (issue 10). The function deadlocks on its first `fail_first` calls."""
    with psycopg.connect(db_url, autocommit=True) as c:
        c.execute("CREATE SEQUENCE public.deadlocks")
        c.execute("""CREATE FUNCTION public.deadlocky(fail_first int) RETURNS int LANGUAGE plpgsql
                     SECURITY DEFINER AS $$ BEGIN
                         IF nextval('public.deadlocks') <= fail_first THEN
                             RAISE EXCEPTION USING ERRCODE = '40P01', MESSAGE = 'deadlock detected';
                         END IF;
                         RETURN 1; END $$""")
        c.execute("GRANT EXECUTE ON FUNCTION public.deadlocky(int) TO booker_app")

    async def call(request: web.Request) -> web.Response:
        rows = await db.query(request, "SELECT public.deadlocky(%s) AS ok", (int(request.query["n"]),))
        return web.json_response(rows[0])

    app = create_app(settings, database_url=app_db_url)
    app.router.add_get("/deadlocky", call)
    client = await aiohttp_client(app)
    assert (await client.get("/deadlocky", params={"n": "1"})).status == 200  # retried once
    with psycopg.connect(db_url, autocommit=True) as c:
        c.execute("SELECT setval('public.deadlocks', 1, false)")
    resp = await client.get("/deadlocky", params={"n": "2"})
    assert resp.status == 503 and resp.headers["Retry-After"]
    assert problem_from_db(psycopg.errors.DeadlockDetected()).status == 503


ROOT = Path(__file__).resolve().parents[2]


def test_serve_refuses_to_start_without_secret_outside_development() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("BOOKER_SECRET",)}
    env.update(BOOKER_ENV="production", DATABASE_URL="postgresql://127.0.0.1:1/none")
    booker = Path(sys.executable).with_name("booker")
    done = subprocess.run([str(booker), "serve"], env=env, capture_output=True, text=True, timeout=60,
                          cwd=ROOT)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "BOOKER_SECRET" in lines[0]


def test_serve_builds_the_app_on_the_configured_address(monkeypatch: pytest.MonkeyPatch,
                                                        app_db_url: str) -> None:
    from edge import serve

    seen: dict[str, Any] = {}

    async def fake_serve(app: web.Application, settings: Any, host: str, port: int, runner: Any) -> None:
        seen.update(app=app, host=host, port=port, runner=runner)

    monkeypatch.setattr(serve, "_serve", fake_serve)
    monkeypatch.setattr(serve, "configure_logging", lambda *a, **kw: None)
    monkeypatch.setenv("DATABASE_URL", app_db_url)
    monkeypatch.setenv("BOOKER_PORT", "8765")
    monkeypatch.delenv("BOOKER_ENV", raising=False)
    import argparse

    assert serve.cmd_serve(argparse.Namespace(host=None, port=None)) == 0
    assert seen["port"] == 8765 and seen["host"] == "127.0.0.1"
    assert isinstance(seen["app"], web.Application)
    assert isinstance(seen["runner"], web.AppRunner)
