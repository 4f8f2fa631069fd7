"""Migration 0040 (the domain booking.email_address) on a database that already holds
addresses the new rule refuses: it does not fail, and it keeps what it replaced."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import sql

from booker import DB_DIR
from booker.migrate import apply_migrations, migrate
from tests.db.test_migrations import with_dbname

EMAIL_MIGRATION = "0040.create-email-domain"


@pytest.fixture
def old_db(db_url: str) -> str:
    """A database migrated up to the migration before 0040, without the stateless objects."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS email_scratch WITH (FORCE)")
        conn.execute(sql.SQL("CREATE DATABASE email_scratch TEMPLATE template0"))
    url = with_dbname(db_url, "email_scratch")
    ids = sorted(p.stem for p in (DB_DIR / "migrations").glob("*.sql"))
    apply_migrations(url, upto=ids[ids.index(EMAIL_MIGRATION) - 1])
    return url


def test_existing_bad_addresses_are_quarantined_not_fatal(old_db: str) -> None:
    with psycopg.connect(old_db, autocommit=True) as conn:
        conn.execute("""
            INSERT INTO booking.users (id, email, name) VALUES
                ('00000000-0000-0000-0000-0000000000a1', 'a(b)@c.de', 'Bad'),
                ('00000000-0000-0000-0000-0000000000a2', 'admin@localhost', 'Local admin'),
                ('00000000-0000-0000-0000-0000000000a3', 'good@example.com', 'Good');
            INSERT INTO booking.resources (id, slug, name, timezone, email) VALUES
                ('00000000-0000-0000-0000-0000000000b1', 'r1', 'R1', 'UTC', 'x>,<y@z.zz');
            INSERT INTO booking.services (id, slug, name, duration_minutes, slot_step_minutes) VALUES
                ('00000000-0000-0000-0000-0000000000c1', 's1', 'S1', 60, 60);
            INSERT INTO booking.bookings (id, reference, service_id, resource_id, status, starts_at, ends_at,
                                          blocked, attendee_name, attendee_email) VALUES
                ('00000000-0000-0000-0000-0000000000d1', 'BK-1', '00000000-0000-0000-0000-0000000000c1',
                 '00000000-0000-0000-0000-0000000000b1', 'confirmed',
                 '2038-01-04 10:00Z', '2038-01-04 11:00Z', '[2038-01-04 10:00Z, 2038-01-04 11:00Z)',
                 'Poison', 'a<b>@c.de')""")
    migrate(old_db)
    with psycopg.connect(old_db, autocommit=True) as conn:
        users = dict(conn.execute("SELECT name, email FROM booking.users").fetchall())
        assert users == {"Bad": "invalid-00000000-0000-0000-0000-0000000000a1@invalid.invalid",
                         "Local admin": "admin@localhost", "Good": "good@example.com"}
        assert conn.execute("SELECT email FROM booking.resources").fetchone() == (None,)
        assert conn.execute("SELECT attendee_email FROM booking.bookings").fetchone() == (None,)
        kept = conn.execute("SELECT table_name, column_name, value FROM booking.invalid_emails ORDER BY id"
                            ).fetchall()
        assert kept == [("bookings", "attendee_email", "a<b>@c.de"), ("resources", "email", "x>,<y@z.zz"),
                        ("users", "email", "a(b)@c.de")]
        # and the rule holds from now on
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute("UPDATE booking.users SET email = 'a;b@c.de' WHERE name = 'Good'")
