"""Schema migrations (yoyo, append-only) plus the stateless SQL loader.

`migrate()` applies pending yoyo migrations from db/migrations, then re-creates
every stateless object: functions and triggers (db/functions), reporting views
(db/views) and grants (db/grants.sql). The loader runs on every migrate, not only
when yoyo applied something, so editing a function file and migrating is enough.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import psycopg
from yoyo import get_backend, read_migrations

from booker import DB_DIR

STATELESS_SCHEMAS = ("api", "report", "internal")
LOCK_KEY = 4_224_242  # pg_advisory_xact_lock key serialising concurrent loaders


def yoyo_url(database_url: str) -> str:
    """yoyo wants a scheme naming the driver; psycopg 3 is 'postgresql+psycopg'."""
    for prefix in ("postgresql://", "postgres://"):
        if database_url.startswith(prefix):
            return "postgresql+psycopg://" + database_url[len(prefix) :]
    if "://" not in database_url:  # a libpq key=value conninfo
        p = psycopg.conninfo.conninfo_to_dict(database_url)
        auth = quote(str(p.get("user", "")), safe="")
        if p.get("password"):
            auth += ":" + quote(str(p["password"]), safe="")
        return f"postgresql+psycopg://{auth}@{p.get('host', '')}:{p.get('port', 5432)}/{p.get('dbname', '')}"
    return database_url


def stateless_files(db_dir: Path = DB_DIR) -> list[Path]:
    """Files of the loader, in the order they are applied."""
    return [
        *sorted((db_dir / "functions" / "internal").glob("*.sql")),
        *sorted((db_dir / "functions" / "api").glob("*.sql")),
        *sorted((db_dir / "views" / "api").glob("*.sql")),
        *sorted((db_dir / "views" / "report").glob("*.sql")),
        db_dir / "grants.sql",
    ]


def pending_migrations(database_url: str, db_dir: Path = DB_DIR) -> list[str]:
    backend = get_backend(yoyo_url(database_url))
    try:
        migrations = read_migrations(str(db_dir / "migrations"))
        return [m.id for m in backend.to_apply(migrations)]
    finally:
        backend.connection.close()


def applied_migrations(database_url: str, db_dir: Path = DB_DIR) -> list[str]:
    backend = get_backend(yoyo_url(database_url))
    try:
        migrations = read_migrations(str(db_dir / "migrations"))
        return [m.id for m in migrations if backend.is_applied(m)]
    finally:
        backend.connection.close()


def apply_migrations(database_url: str, db_dir: Path = DB_DIR, upto: str | None = None) -> list[str]:
    """Apply pending yoyo migrations (all, or up to and including `upto`)."""
    backend = get_backend(yoyo_url(database_url))
    try:
        migrations = read_migrations(str(db_dir / "migrations"))
        with backend.lock():
            todo = backend.to_apply(migrations)
            if upto is not None:
                ids = [m.id for m in migrations]
                todo = todo.filter(lambda m: ids.index(m.id) <= ids.index(upto))
            backend.apply_migrations(todo)
        return [m.id for m in todo]
    finally:
        backend.connection.close()


def load_stateless(database_url: str, db_dir: Path = DB_DIR) -> int:
    """Drop and re-create the stateless schemas in one transaction. Returns files applied."""
    files = stateless_files(db_dir)
    with psycopg.connect(database_url, autocommit=False) as conn:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
        conn.execute("SET LOCAL client_min_messages = warning")
        # SQL functions may name functions from files applied later (as pg_dump does).
        conn.execute("SET LOCAL check_function_bodies = off")
        for schema in STATELESS_SCHEMAS:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            conn.execute(f"CREATE SCHEMA {schema}")
        for path in files:
            try:
                conn.execute(path.read_text())  # type: ignore[arg-type,unused-ignore]  # not a LiteralString
            except psycopg.Error as exc:
                raise RuntimeError(f"{path.relative_to(db_dir.parent)}: {exc}") from exc
        conn.commit()
    return len(files)


def migrate(database_url: str, db_dir: Path = DB_DIR) -> list[str]:
    applied = apply_migrations(database_url, db_dir)
    load_stateless(database_url, db_dir)
    return applied
