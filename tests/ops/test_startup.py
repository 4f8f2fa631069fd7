"""Start-up validation: an invalid setting stops `booker up` (and `serve`) with one clear line."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import pytest

from booker import settings
from tests.ops.conftest import BOOKER, clean_env, free_port


def run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*BOOKER, *args], cwd=tmp_path,
                          env=clean_env(BOOKER_VAR=str(tmp_path / "var"), **env),
                          capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize("command", [["up"], ["serve"]])
def test_invalid_port_stops_start_up_with_one_line(tmp_path: Path, command: list[str]) -> None:
    result = run(command, tmp_path, BOOKER_PORT="abc")
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == ["booker: BOOKER_PORT='abc' is not a port number (1-65535)"]
    assert not (tmp_path / "var" / "pgdata").exists()  # nothing was started


def test_unreachable_database_stops_start_up_with_one_line(tmp_path: Path) -> None:
    port = free_port()
    result = run(["up"], tmp_path, DATABASE_URL=f"postgresql://booker@127.0.0.1:{port}/booker",
                 BOOKER_PORT=str(free_port()))
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"booker: DATABASE_URL: cannot connect to 127.0.0.1:{port}/booker")
    assert "refused" in lines[0].lower()


def test_every_problem_gets_its_own_line(tmp_path: Path) -> None:
    result = run(["up"], tmp_path, BOOKER_PORT="0", SMTP_STARTTLS="maybe", BOOKER_ENV="production")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 3, result.stderr
    assert any("BOOKER_SECRET is required" in line for line in lines)
    assert any("SMTP_STARTTLS='maybe'" in line for line in lines)


def test_settings_for_up() -> None:
    s = settings.load({"BOOKER_VAR": "/srv/booker", "BOOKER_PG_PORT": "6000", "BOOKER_LOG_LEVEL": "DEBUG"})
    assert (s.var_dir, s.pg_port, s.log_level) == ("/srv/booker", 6000, "debug")
    assert s.mail_dir == "/srv/booker/mail"
    assert settings.load({"BOOKER_VAR": "/srv/booker", "BOOKER_MAIL_DIR": "/tmp/m"}).mail_dir == "/tmp/m"
    with pytest.raises(settings.SettingsError) as exc:
        settings.load({"BOOKER_PG_PORT": "70000", "BOOKER_LOG_LEVEL": "loud",
                       "BOOKER_APP_DB_PASSWORD": "short"})
    assert len(exc.value.problems) == 3
    assert "app_db_password" not in repr(settings.load({"BOOKER_APP_DB_PASSWORD": "long-enough-secret"}))


def test_a_taken_port_stops_start_up_before_anything_starts(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run(["up"], tmp_path, BOOKER_PORT=str(port))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"booker: BOOKER_PORT={port} is taken by another program; choose another port"]
    assert not (tmp_path / "var" / "pgdata").exists()


@pytest.mark.parametrize("command", [["up"], ["serve"], ["worker"]])
def test_an_unknown_booker_variable_is_refused_with_one_line(tmp_path: Path, command: list[str]) -> None:
    """A misspelt setting (BOOKER_READ_DATABASE instead of BOOKER_READ_DATABASE_URL) is never ignored."""
    result = run(command, tmp_path, BOOKER_READ_DATABASE="postgresql://replica/booker")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "booker: BOOKER_READ_DATABASE is not a Booker setting (see .env.example): remove or correct it"]
    assert not (tmp_path / "var" / "pgdata").exists()


def test_settings_beyond_one_machine() -> None:
    s = settings.load({"DATABASE_URL": "postgresql://a,b/booker?target_session_attrs=read-write",
                       "BOOKER_READ_DATABASE_URL": "postgresql://replica/booker",
                       "BOOKER_REPLICA_MAX_LAG": "0.5"})
    assert (s.read_database_url, s.replica_max_lag) == ("postgresql://replica/booker", 0.5)
    assert s.listen_url == s.database_url  # LISTEN defaults to DATABASE_URL
    s = settings.load({"DATABASE_URL": "postgresql://pooler/booker",
                       "BOOKER_LISTEN_DATABASE_URL": "postgresql://primary/booker"})
    assert s.listen_url == "postgresql://primary/booker" and s.read_database_url is None
    with pytest.raises(settings.SettingsError) as exc:
        settings.load({"BOOKER_READ_DATABASE_URL": "mysql://x", "BOOKER_LISTEN_DATABASE_URL": "http://y",
                       "BOOKER_REPLICA_MAX_LAG": "soon"})
    assert len(exc.value.problems) == 3
    # the variables of scripts/ and tests/ are not settings, and not refused
    settings.load({"BOOKER_RUN_USER": "booker", "BOOKER_TZ_SEED": "3"})
