"""Shared fixtures: a throwaway PostgreSQL cluster (pytest-postgresql) whose template
database is migrated once; every test gets a fresh clone of it."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from psycopg.conninfo import make_conninfo
from pytest_postgresql import factories
from pytest_postgresql.executors import PostgreSQLExecutor

from booker import demo
from booker.migrate import migrate
from booker.passwords import hash_password


def conninfo(host: str, port: int, user: str, dbname: str, password: str | None = None) -> str:
    return make_conninfo(host=host, port=port, user=user, dbname=dbname, password=password or None)


def load_schema(
    host: str, port: int, user: str, dbname: str, password: str | None = None, **_: object
) -> None:
    url = conninfo(host, port, user, dbname, password)
    migrate(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pgtap")
        # booker_app and booker_report log in with these passwords in tests only.
        conn.execute("ALTER ROLE booker_app LOGIN PASSWORD 'booker_app'")
        conn.execute("ALTER ROLE booker_report LOGIN PASSWORD 'booker_report'")


postgresql_proc = factories.postgresql_proc(
    load=[load_schema],
    # Tests are about behaviour, not durability: skip fsync to keep them fast.
    postgres_options="-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400",
)
postgresql = factories.postgresql("postgresql_proc")


@pytest.fixture
def db_url(postgresql: psycopg.Connection, postgresql_proc: PostgreSQLExecutor) -> str:
    """Owner connection string of this test's fresh, migrated database."""
    info = postgresql.info
    return conninfo(info.host, info.port, info.user, info.dbname, postgresql_proc.password)


@pytest.fixture
def app_db_url(db_url: str) -> str:
    """The same database as booker_app, the role the edge and worker log in as."""
    params = psycopg.conninfo.conninfo_to_dict(db_url)
    params.update(user="booker_app", password="booker_app")
    return make_conninfo(**params)  # type: ignore[arg-type]


_DEMO_HASHES: dict[str, str] = {}


def _memo_hash(password: str) -> str:
    """argon2 is slow on purpose; a salted hash verifies in any database, so the demo loader
    hashes each demo password once per test run, not once per test's fresh database."""
    if password not in _DEMO_HASHES:
        _DEMO_HASHES[password] = hash_password(password)
    return _DEMO_HASHES[password]


@pytest.fixture
def demo_url(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh database with the demo data of SPEC §7 loaded."""
    monkeypatch.setattr(demo, "hash_password", _memo_hash)
    demo.load(db_url)
    return db_url


@pytest.fixture
def conn(db_url: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(db_url, autocommit=True) as c:
        yield c


# --- the edge and worker suites behind PgBouncer (issue 15) --------------------------------------
# TEST_PGBOUNCER=1 starts PgBouncer in transaction mode in front of this run's PostgreSQL and sends
# the edge's pool and the worker's outbox connection through it; LISTEN stays direct, as
# BOOKER_LISTEN_DATABASE_URL would have it. tests/scale tests the same with a real topology.
@pytest.fixture(scope="session", autouse=True)
def behind_pgbouncer(postgresql_proc: PostgreSQLExecutor,
                     tmp_path_factory: pytest.TempPathFactory) -> Iterator[int | None]:
    import os
    import subprocess
    import time

    if os.environ.get("TEST_PGBOUNCER") != "1":
        yield None
        return
    from booker.cluster import Pooler
    from edge import db as edge_db
    from tests.worker.conftest import free_port
    from worker import outbox

    pooler = Pooler(tmp_path_factory.mktemp("pgbouncer"), free_port(), postgresql_proc.port,
                    users=(postgresql_proc.user, "booker_app", "booker_report"), pool_size=40)
    process = subprocess.Popen(pooler.command(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)

    def pooled(url: str) -> str:
        params = psycopg.conninfo.conninfo_to_dict(url)
        if str(params.get("port")) == str(postgresql_proc.port):
            params.update(host="127.0.0.1", port=pooler.port)
        return make_conninfo(**params)  # type: ignore[arg-type]

    make_pool, connect = edge_db.make_pool, outbox.Outbox.connect.__func__  # type: ignore[attr-defined]
    mp = pytest.MonkeyPatch()
    mp.setattr(edge_db, "make_pool", lambda url, *a, **k: make_pool(pooled(url), *a, **k))
    mp.setattr(outbox.Outbox, "connect", classmethod(lambda cls, url, wid: connect(cls, pooled(url), wid)))
    try:
        yield pooler.port
    finally:
        mp.undo()
        process.terminate()
        process.wait(10)
