"""docker-compose.yml, Dockerfile and .env.example, read against what the code reads."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from booker import ROOT, settings

COMPOSE = ROOT / "docker-compose.yml"
# Variables of the images themselves (documented on their Docker Hub pages), not Booker's.
IMAGE_VARIABLES = {
    "postgres": {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB", "POSTGRES_INITDB_ARGS", "PGDATA"},
    # profile scale: the standby (postgres image, libpq's PGPASSWORD for pg_basebackup) and PgBouncer
    "postgres-standby": {"PGPASSWORD", "PGDATA"},
    "pgbouncer": {"DB_HOST", "DB_NAME", "DB_USER", "DB_PASSWORD", "AUTH_TYPE", "POOL_MODE",
                  "DEFAULT_POOL_SIZE", "MAX_CLIENT_CONN", "QUERY_WAIT_TIMEOUT"},
    "mailpit": {"MP_SMTP_AUTH_ACCEPT_ANY", "MP_SMTP_AUTH_ALLOW_INSECURE", "MP_MAX_MESSAGES",
                "MP_UI_BIND_ADDR", "MP_SMTP_BIND_ADDR", "MP_DATABASE"},
}


def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(data, dict)
    return data


def test_compose_file_is_valid() -> None:
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.skip("docker-compose is not installed (Debian package docker-compose, "
                    "which `make test` installs)")
    env = {k: v for k, v in os.environ.items() if k != "BOOKER_SECRET"}
    result = subprocess.run([binary, "-f", str(COMPOSE), "config", "-q"], capture_output=True, text=True,
                            cwd=ROOT, check=False, env={**env, "BOOKER_SECRET": secrets.token_hex(32)})
    assert result.returncode == 0, result.stderr
    scaled = subprocess.run([binary, "-f", str(COMPOSE), "--profile", "scale", "config", "-q"],
                            capture_output=True, text=True, cwd=ROOT, check=False,
                            env={**env, "BOOKER_SECRET": secrets.token_hex(32)})
    assert scaled.returncode == 0, scaled.stderr
    # without BOOKER_SECRET compose refuses to start anything, naming it
    missing = subprocess.run([binary, "-f", str(COMPOSE), "config", "-q"], capture_output=True, text=True,
                             cwd=ROOT, check=False, env=env)
    assert missing.returncode != 0 and "BOOKER_SECRET" in missing.stderr


def test_compose_requires_a_secret_and_never_loads_demo_data() -> None:
    services = compose()["services"]
    for name in ("migrate", "edge", "worker"):
        env = services[name]["environment"]
        assert env["BOOKER_ENV"] == "production", f"{name} must run as production"
        assert str(env["BOOKER_SECRET"]).startswith("${BOOKER_SECRET:?"), f"{name}: BOOKER_SECRET is required"
    # `booker up --once` loads demo data only in development
    from booker import runner

    assert "settings.development and demo.load(" in Path(runner.__file__).read_text()


def test_every_compose_variable_is_a_setting_or_the_images_own() -> None:
    services = compose()["services"]
    assert set(services) == {"postgres", "migrate", "edge", "worker", "mailpit",
                             "postgres-standby", "pgbouncer"}  # the last two: profile scale
    assert all(services[name].get("profiles") == ["scale"] for name in ("postgres-standby", "pgbouncer"))
    for name, service in services.items():
        env = service.get("environment", {})
        assert isinstance(env, dict), f"{name}: environment as a mapping, please"
        unknown = set(env) - set(settings.NAMES) - IMAGE_VARIABLES.get(name, set())
        assert not unknown, f"{name} sets variables no one reads: {sorted(unknown)}"


def test_compose_environment_passes_validation() -> None:
    services = compose()["services"]
    for name in ("migrate", "edge", "worker"):
        env = {k: str(v) for k, v in services[name]["environment"].items()}
        # ${VAR:-default} as compose would interpolate it with no .env file
        env = {k: re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", v) for k, v in env.items()}
        # ${VAR:?message}: required, as the operator's .env would set it
        env = {k: re.sub(r"\$\{[A-Z_]+:\?[^}]*\}", secrets.token_hex(32), v) for k, v in env.items()}
        loaded = settings.load(env)
        assert loaded.environment == "production"
        if name != "migrate":
            assert loaded.port == 8080


def test_every_service_has_a_health_check() -> None:
    for name, service in compose()["services"].items():
        check = service.get("healthcheck")
        assert check and check.get("test") and not check.get("disable"), f"{name} has no health check"


def test_compose_shape() -> None:
    data = compose()
    services = data["services"]
    assert services["postgres"]["image"].startswith("postgres:15")
    assert any(v.startswith("pgdata:") for v in services["postgres"]["volumes"])
    assert "pgdata" in data["volumes"]
    assert services["edge"]["ports"] == ["8080:8080"]
    for name in ("edge", "worker"):
        deps = services[name]["depends_on"]
        assert deps["migrate"]["condition"] == "service_completed_successfully"
        assert deps["postgres"]["condition"] == "service_healthy"
    assert services["migrate"]["restart"] == "no"
    # edge and worker log in as booker_app; only migrate uses the owner
    assert "booker_app:" in services["edge"]["environment"]["DATABASE_URL"]
    assert services["edge"]["environment"]["SMTP_HOST"] == "mailpit"


def test_dockerfile_runs_as_a_user_and_checks_ready() -> None:
    text = (ROOT / "Dockerfile").read_text()
    users = re.findall(r"^USER\s+(\S+)", text, re.M)
    assert users and users[-1] not in ("root", "0"), "the image must not run as root"
    assert re.search(r"^HEALTHCHECK .*\n?.*healthcheck\", \"edge\"", text, re.M)
    from booker import health

    assert "/ready" in Path(health.__file__).read_text()
    for sources in re.findall(r"^COPY\s+(.+)\s+\S+$", text, re.M):
        for path in sources.split():
            assert (ROOT / path).exists(), f"Dockerfile copies missing {path}"


def test_env_example_documents_every_setting() -> None:
    text = (ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^#?\s?([A-Z][A-Z0-9_]+)=", text, re.M))
    assert set(settings.NAMES) <= documented, sorted(set(settings.NAMES) - documented)
    assert documented <= set(settings.NAMES), sorted(documented - set(settings.NAMES))
    # the values it shows are valid ones
    shown = dict(re.findall(r"^([A-Z][A-Z0-9_]+)=(.*)$", text, re.M))
    settings.load(shown)
