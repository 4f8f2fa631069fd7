"""Migrations: idempotent, upgradable step by step, and append-only."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from booker import DB_DIR
from booker.cluster import pg_bindir
from booker.migrate import apply_migrations, load_stateless, migrate

MIGRATIONS = sorted((DB_DIR / "migrations").glob("*.sql"))
CHECKSUMS = DB_DIR / "migrations" / "CHECKSUMS"


def schema_dump(url: str) -> str:
    out = subprocess.run(
        [
            str(pg_bindir() / "pg_dump"),
            "--schema-only",
            "--no-owner",
            "--no-privileges",
            "--exclude-schema=public",
            "-d",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # pg_dump prints its own version and a restrict key; compare the schema alone.
    return "\n".join(ln for ln in out.splitlines() if not ln.startswith(("--", "\\restrict", "\\unrestrict")))


def with_dbname(url: str, dbname: str) -> str:
    params = psycopg.conninfo.conninfo_to_dict(url)
    params["dbname"] = dbname
    return psycopg.conninfo.make_conninfo(**params)  # type: ignore[arg-type]


@pytest.fixture
def empty_db(db_url: str) -> str:
    """A brand-new empty database beside the test's migrated one."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS migrations_scratch")
        conn.execute(sql.SQL("CREATE DATABASE migrations_scratch TEMPLATE template0"))
    return with_dbname(db_url, "migrations_scratch")


def test_migrating_twice_changes_nothing(db_url: str) -> None:
    before = schema_dump(db_url)
    assert migrate(db_url) == []
    assert schema_dump(db_url) == before


def test_upgrading_from_each_earlier_migration_ends_like_a_fresh_database(db_url: str, empty_db: str) -> None:
    fresh = schema_dump(db_url)
    ids = [p.stem for p in MIGRATIONS]
    for stop in ids[:-1] or ids:
        with psycopg.connect(db_url, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS migrations_scratch WITH (FORCE)")
            conn.execute("CREATE DATABASE migrations_scratch TEMPLATE template0")
        with psycopg.connect(empty_db, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION pgtap")  # the test template has it too
        apply_migrations(empty_db, upto=stop)
        migrate(empty_db)
        assert schema_dump(empty_db) == fresh, f"upgrading from {stop} differs from a fresh database"


def test_applied_migrations_are_never_edited() -> None:
    """db/migrations/CHECKSUMS records every migration's sha256. An edited migration
    changes its hash and fails here; a new one must be added to the list
    (`cd db/migrations && sha256sum 0*.sql > CHECKSUMS`) in the commit that adds it."""
    recorded = {}
    for line in CHECKSUMS.read_text().splitlines():
        digest, name = line.split()
        recorded[name.lstrip("*")] = digest
    actual = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in MIGRATIONS}
    edited = [n for n in recorded if n in actual and actual[n] != recorded[n]]
    removed = [n for n in recorded if n not in actual]
    unrecorded = [n for n in actual if n not in recorded]
    assert not edited, f"applied migrations edited in place: {edited}; add a new migration instead"
    assert not removed, f"migrations removed: {removed}"
    assert not unrecorded, f"new migrations missing from {CHECKSUMS.name}: {unrecorded}"


def test_migration_names_sort_in_the_order_they_were_written() -> None:
    names = [p.name for p in MIGRATIONS]
    assert names == sorted(names)
    assert all(Path(n).stem.split(".")[0].isdigit() for n in names)


def test_zones_browsers_do_not_know_are_renamed_by_0121_without_an_email(db_url: str, empty_db: str) -> None:
    """A resource, a profile and a booking stored with 'posix/…' zones before 0121 get the
    tz database's name; the booking's rename writes no audit or outbox row, and the booking
    can still be cancelled afterwards (its zone CHECK would refuse the old name)."""
    with psycopg.connect(empty_db, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION pgtap")
    apply_migrations(empty_db, upto="0120.bookings-held-resource-index")
    load_stateless(empty_db)  # this checkout's functions, over the schema as of 0120
    room, member = "00000000-0000-0000-0000-00000000f002", "00000000-0000-0000-0000-00000000f001"
    with psycopg.connect(empty_db, autocommit=True) as conn:
        conn.execute("INSERT INTO booking.users (id, email, name, time_zone)"
                     " VALUES (%s, 'p@example.com', 'P', 'posix/Asia/Tokyo')", (member,))
        conn.execute("INSERT INTO booking.resources (id, slug, name, timezone)"
                     " VALUES (%s, 'posix-room', 'Room', 'posix/Europe/Berlin')", (room,))
        conn.execute("INSERT INTO booking.services (slug, name, duration_minutes, slot_step_minutes,"
                     " max_advance_days, fixed_window) VALUES ('posix-event', 'Event', 60, 60, 5000,"
                     " '[2038-01-05 09:00Z, 2038-01-05 10:00Z)')")
        conn.execute("INSERT INTO booking.service_resources SELECT id, %s FROM booking.services"
                     " WHERE slug = 'posix-event'", (room,))
        attendee = '{"name": "G", "email": "g@example.com", "timezone": "posix/Asia/Tokyo"}'
        booking = conn.execute("SELECT id FROM api.book_slot('posix-event', '2038-01-05 09:00Z', %s)",
                               (attendee,)).fetchone()[0]  # type: ignore[index]
        counts = ("SELECT (SELECT count(*) FROM booking.booking_audit),"
                  " (SELECT count(*) FROM booking.notification_log)")
        before = conn.execute(counts).fetchone()
    migrate(empty_db)
    with psycopg.connect(empty_db, autocommit=True) as conn:
        zones = conn.execute("SELECT (SELECT time_zone FROM booking.users WHERE id = %s),"
                             " (SELECT timezone FROM booking.resources WHERE id = %s),"
                             " (SELECT attendee_timezone FROM booking.bookings WHERE id = %s)",
                             (member, room, booking)).fetchone()
        assert zones == ("Asia/Tokyo", "Europe/Berlin", "Asia/Tokyo")
        assert conn.execute(counts).fetchone() == before  # renamed without an audit row or an email
        disabled = conn.execute("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'booking.bookings'::regclass"
                                " AND NOT tgisinternal AND tgenabled = 'D'").fetchone()
        assert disabled == (0,)  # the triggers are on again
        conn.execute("SELECT api.cancel_booking(%s, NULL)", (booking,))
