"""Production is safe by default (issue 9): outside development a published or guessable
BOOKER_SECRET stops start-up with one line, production refuses a plain-http public URL unless
allowed, and demo data (with its published passwords) loads only in development."""

from __future__ import annotations

import re
import secrets
import subprocess
from pathlib import Path

import psycopg
import pytest

from booker import ROOT, settings
from booker.settings import SettingsError, load
from tests.ops.conftest import BOOKER, clean_env

GOOD = secrets.token_hex(32)


def _refusal(env: dict[str, str]) -> list[str]:
    with pytest.raises(SettingsError) as err:
        load(env)
    return err.value.problems


def _repository_secrets() -> set[str]:
    """Every value the repository assigns to a secret: BOOKER_SECRET=..., ${BOOKER_SECRET:-...},
    SECRET = "...", secret="..." in code, docs, compose and the example environment."""
    skip = {
        ".venv",
        "var",
        "node_modules",
        ".git",
        "__pycache__",
        ".hypothesis",
        ".ruff_cache",
        ".mypy_cache",
    }
    files = [p.relative_to(ROOT) for p in ROOT.rglob("*") if not skip & set(p.relative_to(ROOT).parts)]
    patterns = [
        re.compile(r"BOOKER_SECRET\s*[=:]\s*[\"']?([^\s\"'$#{}]{8,})"),
        re.compile(r"\$\{BOOKER_SECRET:-([^}]+)\}"),
        re.compile(r"(?i)secret\w*\s*[=:]\s*[\"']([^\"'\s]{8,})[\"']"),
    ]
    found: set[str] = set()
    for name in files:
        path = ROOT / name
        if (
            path.suffix not in (".py", ".md", ".yml", ".yaml", ".example", ".toml", ".sh", ".txt", "")
            or not path.is_file()
        ):
            continue
        text = path.read_text(errors="replace")
        for pattern in patterns:
            found.update(m.group(1) for m in pattern.finditer(text))
    return {s for s in found if len(s) >= 32}


def test_the_scan_finds_the_secrets_it_should() -> None:
    found = _repository_secrets()
    assert settings.DEV_SECRET in found
    assert "test-secret-0123456789-0123456789-abcdef" in found


def test_production_refuses_every_secret_in_the_repository() -> None:
    found = _repository_secrets() | settings.KNOWN_SECRETS
    for secret in sorted(found):
        for environment in ("production", "test"):
            problems = _refusal({"BOOKER_ENV": environment, "BOOKER_SECRET": secret})
            assert len(problems) == 1 and problems[0].startswith("BOOKER_SECRET"), (secret, problems)


@pytest.mark.parametrize(
    "secret",
    [
        "a" * 32,
        "ab" * 20,
        "abcdefghijklmnopqrstuvwxyz012345",
        "0123456789" * 4,
        "Passw0rd!" * 4,
        "x" * 31 + "y",
    ],
)
def test_production_refuses_a_low_entropy_secret(secret: str) -> None:
    problems = _refusal({"BOOKER_ENV": "production", "BOOKER_SECRET": secret})
    assert problems == [problems[0]] and "BOOKER_SECRET looks guessable" in problems[0]


def test_random_secrets_pass_and_development_is_lenient() -> None:
    for _ in range(200):
        for secret in (secrets.token_hex(16), secrets.token_hex(32), secrets.token_urlsafe(32)):
            assert settings.secret_problem(secret) is None, secret
    assert load({"BOOKER_ENV": "development", "BOOKER_SECRET": "a" * 32}).secret == "a" * 32
    assert load({"BOOKER_ENV": "development"}).secret == settings.DEV_SECRET


def test_serve_refuses_a_published_secret_with_one_line(tmp_path: Path) -> None:
    env = clean_env(
        BOOKER_ENV="production",
        BOOKER_SECRET=settings.DEV_SECRET,
        DATABASE_URL="postgresql://127.0.0.1:1/none",
    )
    done = subprocess.run(
        [*BOOKER, "serve"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "BOOKER_SECRET is a published example value" in lines[0], lines


def test_production_refuses_a_plain_http_public_url_unless_allowed() -> None:
    base = {"BOOKER_ENV": "production", "BOOKER_SECRET": GOOD}
    problems = _refusal({**base, "BOOKER_PUBLIC_URL": "http://book.example.com"})
    assert len(problems) == 1 and "BOOKER_PUBLIC_URL" in problems[0] and "BOOKER_ALLOW_HTTP" in problems[0]
    allowed = load({**base, "BOOKER_PUBLIC_URL": "http://book.example.com", "BOOKER_ALLOW_HTTP": "true"})
    assert allowed.allow_http and not allowed.secure_cookies
    assert load({**base, "BOOKER_PUBLIC_URL": "https://book.example.com"}).secure_cookies
    # loopback (compose's default) is nobody else's to intercept; its cookie is still Secure
    local = load({**base, "BOOKER_PUBLIC_URL": "http://localhost:8080"})
    assert local.secure_cookies
    assert not load({"BOOKER_ENV": "test", "BOOKER_SECRET": GOOD}).secure_cookies
    assert load(
        {"BOOKER_ENV": "test", "BOOKER_SECRET": GOOD, "BOOKER_PUBLIC_URL": "https://x.example"}
    ).secure_cookies


def test_limits_are_settings() -> None:
    loaded = load({"BOOKER_LIMIT_LOGIN": "3/10m", "BOOKER_LIMIT_HOLDS": "off", "BOOKER_MAX_OPEN_HOLDS": "5"})
    assert loaded.limit("limit_login") == (3, 600) and loaded.limit("limit_holds") is None
    assert loaded.open_holds_cap == 5
    off = load({"BOOKER_RATE_LIMITS": "false"})
    assert off.limit("limit_login") is None and off.open_holds_cap is None
    problems = _refusal({"BOOKER_LIMIT_REGISTER": "lots", "BOOKER_MAX_OPEN_HOLDS": "-1"})
    assert len(problems) == 2 and problems[0].startswith("BOOKER_LIMIT_REGISTER")


def test_up_once_in_production_loads_no_demo_data(
    db_url: str, conn: psycopg.Connection, tmp_path: Path
) -> None:
    env = clean_env(DATABASE_URL=db_url, BOOKER_ENV="production", BOOKER_SECRET=GOOD)
    done = subprocess.run(
        [*BOOKER, "up", "--once"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "demo data loaded" not in done.stderr
    assert conn.execute("SELECT count(*) FROM booking.users").fetchone() == (0,)
    refused = subprocess.run(
        [*BOOKER, "demo-data"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert refused.returncode != 0 and "BOOKER_ENV=development" in refused.stderr
    assert conn.execute("SELECT count(*) FROM booking.users").fetchone() == (0,)
