"""`booker create-admin` and `booker migrate --status` against a real database."""

from __future__ import annotations

import signal
import subprocess
import time
import uuid
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from booker.passwords import verify_password
from tests.ops.conftest import BOOKER, clean_env, free_port


def booker(args: list[str], url: str, tmp_path: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([*BOOKER, *args], input=stdin, cwd=tmp_path, capture_output=True, text=True,
                          env=clean_env(DATABASE_URL=url), timeout=60, check=False)


def test_create_admin_reads_the_password_from_stdin(db_url: str, conn: psycopg.Connection,
                                                     tmp_path: Path) -> None:
    result = booker(["create-admin", "--email", "Ops@Example.com"], db_url, tmp_path, "s3cret-password\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "created admin Ops@Example.com"
    row = conn.execute("SELECT role::text, password_hash, name FROM booking.users "
                       "WHERE lower(email) = 'ops@example.com'").fetchone()
    assert row is not None
    assert row[0] == "admin" and row[2] == "Ops"
    assert verify_password(row[1], "s3cret-password")
    assert "s3cret-password" not in result.stdout + result.stderr


def test_create_admin_promotes_an_existing_member(db_url: str, conn: psycopg.Connection,
                                                  tmp_path: Path) -> None:
    conn.execute("INSERT INTO booking.users (email, name) VALUES ('m@example.com', 'M')")
    result = booker(["create-admin", "--email", "m@example.com"], db_url, tmp_path, "new-pass-1234\n")
    assert result.returncode == 0, result.stderr
    assert "updated admin" in result.stdout
    rows = conn.execute("SELECT role::text, password_hash FROM booking.users WHERE email = 'm@example.com'"
                        ).fetchall()
    assert len(rows) == 1 and rows[0][0] == "admin" and verify_password(rows[0][1], "new-pass-1234")


def test_create_admin_refuses_a_weak_password_or_a_bad_email(db_url: str, conn: psycopg.Connection,
                                                             tmp_path: Path) -> None:
    weak = booker(["create-admin", "--email", "a@example.com"], db_url, tmp_path, "short\n")
    assert weak.returncode == 2 and weak.stderr.strip() == "booker: password must be at least 8 characters"
    bad = booker(["create-admin", "--email", "not-an-email"], db_url, tmp_path, "long-enough-1\n")
    assert bad.returncode == 2 and "not an email address" in bad.stderr
    assert conn.execute("SELECT count(*) FROM booking.users").fetchone() == (0,)


def test_migrate_status_lists_applied_and_pending(db_url: str, conn: psycopg.Connection,
                                                  tmp_path: Path) -> None:
    migrations = sorted(p.stem for p in (Path(__file__).parents[2] / "db" / "migrations").glob("*.sql"))
    done = booker(["migrate", "--status"], db_url, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:-1] == [f"applied  {m}" for m in migrations]

    empty = f"status_{uuid.uuid4().hex[:8]}"
    conn.execute(f"CREATE DATABASE {empty}")
    url = make_conninfo(**{**conninfo_to_dict(db_url), "dbname": empty})  # type: ignore[arg-type]
    fresh = booker(["migrate", "--status"], url, tmp_path)
    assert fresh.returncode == 1  # something to do
    assert fresh.stdout.split("\n")[:-1] == [f"pending  {m}" for m in migrations]


def test_up_once_prepares_a_given_database_like_composes_migrate(db_url: str, conn: psycopg.Connection,
                                                                 tmp_path: Path) -> None:
    secret = "compose-app-password-42"
    env = clean_env(DATABASE_URL=db_url, BOOKER_APP_DB_PASSWORD=secret)
    try:
        first = subprocess.run([*BOOKER, "up", "--once"], cwd=tmp_path, env=env, capture_output=True,
                               text=True, timeout=120, check=False)
        assert first.returncode == 0, first.stderr
        assert "demo data loaded" in first.stderr
        row = conn.execute("SELECT rolcanlogin, rolpassword IS NOT NULL FROM pg_authid "
                           "WHERE rolname = 'booker_app'").fetchone()
        assert row == (True, True)
        assert secret not in first.stdout + first.stderr
        services = conn.execute("SELECT count(*) FROM booking.services").fetchone()

        again = subprocess.run([*BOOKER, "up", "--once"], cwd=tmp_path, env=env, capture_output=True,
                               text=True, timeout=120, check=False)
        assert again.returncode == 0 and "demo data loaded" not in again.stderr
        assert conn.execute("SELECT count(*) FROM booking.services").fetchone() == services
    finally:  # the role is cluster-wide: give it back the password the other tests use
        conn.execute("ALTER ROLE booker_app LOGIN PASSWORD 'booker_app'")


def test_worker_healthcheck_follows_a_real_worker(app_db_url: str, tmp_path: Path) -> None:
    check = booker(["healthcheck", "worker"], app_db_url, tmp_path)
    assert check.returncode == 1
    assert check.stderr.strip() == "booker: unhealthy worker: no worker is listening for notification_ready"
    worker = subprocess.Popen([*BOOKER, "worker"], cwd=tmp_path, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL,
                              env=clean_env(DATABASE_URL=app_db_url, SMTP_PORT=str(free_port())))
    try:
        deadline = time.monotonic() + 60
        while booker(["healthcheck", "worker"], app_db_url, tmp_path).returncode != 0:
            assert worker.poll() is None and time.monotonic() < deadline, "worker never became healthy"
            time.sleep(0.5)
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0


def test_booker_psql_passes_its_arguments_to_psql(db_url: str, tmp_path: Path) -> None:
    """README: `booker psql -c "…"` (was: unrecognized arguments: -c)."""
    result = booker(["psql", "-At", "-c", "SELECT 40 + 2", "-c", "SELECT current_user"], db_url, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["42", conninfo_to_dict(db_url)["user"]]
    failing = booker(["psql", "-v", "ON_ERROR_STOP=1", "-c", "SELECT no_such_column"], db_url, tmp_path)
    assert failing.returncode != 0 and "no_such_column" in failing.stderr
