"""Configuration from the environment, validated at start-up.

Every setting Booker reads is declared here (and documented in .env.example); a
missing or invalid one stops start-up with one clear line per problem.
"""

from __future__ import annotations

import os
import pathlib
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from booker import ROOT

DEV_SECRET = "dev-only-insecure-secret-change-me-0123456789"


class SettingsError(ValueError):
    """One or more settings are invalid; str() is one line per problem."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Settings:
    database_url: str | None = None
    secret: str = DEV_SECRET
    environment: str = "development"
    host: str = "127.0.0.1"
    port: int = 8080
    public_url: str = "http://127.0.0.1:8080"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_username: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_starttls: bool = False
    mail_from: str = "Booker <booker@localhost>"
    mail_dir: str = str(ROOT / "var" / "mail")
    db_pool_size: int = 10
    log_format: str = "auto"
    log_level: str = "info"
    var_dir: str = str(ROOT / "var")
    pg_port: int = 54329
    app_db_password: str | None = field(default=None, repr=False)

    @property
    def development(self) -> bool:
        return self.environment == "development"


NAMES = {
    "DATABASE_URL": "database_url",
    "BOOKER_SECRET": "secret",
    "BOOKER_ENV": "environment",
    "BOOKER_HOST": "host",
    "BOOKER_PORT": "port",
    "BOOKER_PUBLIC_URL": "public_url",
    "SMTP_HOST": "smtp_host",
    "SMTP_PORT": "smtp_port",
    "SMTP_USERNAME": "smtp_username",
    "SMTP_PASSWORD": "smtp_password",
    "SMTP_STARTTLS": "smtp_starttls",
    "BOOKER_MAIL_FROM": "mail_from",
    "BOOKER_MAIL_DIR": "mail_dir",
    "BOOKER_DB_POOL_SIZE": "db_pool_size",
    "BOOKER_LOG_FORMAT": "log_format",
    "BOOKER_LOG_LEVEL": "log_level",
    "BOOKER_VAR": "var_dir",
    "BOOKER_PG_PORT": "pg_port",
    "BOOKER_APP_DB_PASSWORD": "app_db_password",
}
LOG_LEVELS = ("debug", "info", "warning", "error")


def _port(name: str, value: str, problems: list[str]) -> int:
    try:
        port = int(value)
    except ValueError:
        problems.append(f"{name}={value!r} is not a port number (1-65535)")
        return 0
    if not 1 <= port <= 65535:
        problems.append(f"{name}={value!r} is not a port number (1-65535)")
    return port


def _bool(name: str, value: str, problems: list[str]) -> bool:
    v = value.strip().lower()
    if v in ("1", "true", "yes", "on"):
        return True
    if v in ("0", "false", "no", "off", ""):
        return False
    problems.append(f"{name}={value!r} is not a boolean (true/false)")
    return False


def load(env: Mapping[str, str] | None = None) -> Settings:
    """Read and validate settings; raises SettingsError listing every problem."""
    env = os.environ if env is None else env
    problems: list[str] = []
    values: dict[str, object] = {}

    environment = env.get("BOOKER_ENV", "development")
    if environment not in ("development", "production", "test"):
        problems.append(f"BOOKER_ENV={environment!r} must be development, production or test")
    values["environment"] = environment

    if url := env.get("DATABASE_URL"):
        if urlsplit(url).scheme not in ("postgresql", "postgres") and "dbname=" not in url:
            problems.append("DATABASE_URL must be a postgresql:// URL")
        values["database_url"] = url

    secret = env.get("BOOKER_SECRET")
    if secret:
        if len(secret) < 32:
            problems.append("BOOKER_SECRET must be at least 32 characters")
        values["secret"] = secret
    elif environment != "development":
        problems.append("BOOKER_SECRET is required outside development (32+ random characters)")

    if "BOOKER_HOST" in env:
        values["host"] = env["BOOKER_HOST"]
    if "BOOKER_PORT" in env:
        values["port"] = _port("BOOKER_PORT", env["BOOKER_PORT"], problems)
    port = values.get("port", Settings.port)
    public = env.get("BOOKER_PUBLIC_URL") or f"http://{values.get('host', Settings.host)}:{port}"
    if urlsplit(public).scheme not in ("http", "https") or not urlsplit(public).netloc:
        problems.append(f"BOOKER_PUBLIC_URL={public!r} must be an http(s) URL")
    values["public_url"] = public.rstrip("/")

    if "SMTP_HOST" in env:
        values["smtp_host"] = env["SMTP_HOST"]
    if "SMTP_PORT" in env:
        values["smtp_port"] = _port("SMTP_PORT", env["SMTP_PORT"], problems)
    values["smtp_username"] = env.get("SMTP_USERNAME") or None
    values["smtp_password"] = env.get("SMTP_PASSWORD") or None
    if "SMTP_STARTTLS" in env:
        values["smtp_starttls"] = _bool("SMTP_STARTTLS", env["SMTP_STARTTLS"], problems)
    if "BOOKER_MAIL_FROM" in env:
        if "@" not in env["BOOKER_MAIL_FROM"]:
            problems.append("BOOKER_MAIL_FROM must contain an email address")
        values["mail_from"] = env["BOOKER_MAIL_FROM"]
    if env.get("BOOKER_VAR"):
        values["var_dir"] = os.path.abspath(env["BOOKER_VAR"])
    if "BOOKER_PG_PORT" in env:
        values["pg_port"] = _port("BOOKER_PG_PORT", env["BOOKER_PG_PORT"], problems)
    if env.get("BOOKER_APP_DB_PASSWORD"):
        if len(env["BOOKER_APP_DB_PASSWORD"]) < 12:
            problems.append("BOOKER_APP_DB_PASSWORD must be at least 12 characters")
        values["app_db_password"] = env["BOOKER_APP_DB_PASSWORD"]
    if env.get("BOOKER_MAIL_DIR"):
        values["mail_dir"] = os.path.abspath(env["BOOKER_MAIL_DIR"])
    elif "var_dir" in values:
        values["mail_dir"] = os.path.join(str(values["var_dir"]), "mail")
    if "BOOKER_DB_POOL_SIZE" in env:
        try:
            size = int(env["BOOKER_DB_POOL_SIZE"])
        except ValueError:
            size = 0
        if 1 <= size <= 200:
            values["db_pool_size"] = size
        else:
            problems.append("BOOKER_DB_POOL_SIZE must be a whole number from 1 to 200")
    if "BOOKER_LOG_FORMAT" in env:
        if env["BOOKER_LOG_FORMAT"] not in ("auto", "json", "text"):
            problems.append("BOOKER_LOG_FORMAT must be auto, json or text")
        values["log_format"] = env["BOOKER_LOG_FORMAT"]
    if "BOOKER_LOG_LEVEL" in env:
        if env["BOOKER_LOG_LEVEL"].lower() not in LOG_LEVELS:
            problems.append(f"BOOKER_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}")
        values["log_level"] = env["BOOKER_LOG_LEVEL"].lower()

    if problems:
        raise SettingsError(problems)
    return Settings(**values)  # type: ignore[arg-type]


def check_database(url: str, timeout: int = 5) -> None:
    """Connect once; raises SettingsError with one line naming the server when that fails."""
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=timeout) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        info = psycopg.conninfo.conninfo_to_dict(url)
        where = f"{info.get('host', 'localhost')}:{info.get('port', 5432)}/{info.get('dbname', '')}"
        first = (str(exc).strip().splitlines() or ["no answer"])[0]
        reason = first.rsplit("failed: ", 1)[-1].strip()
        raise SettingsError([f"DATABASE_URL: cannot connect to {where}: {reason}"]) from exc


def load_or_exit(env: Mapping[str, str] | None = None, *, check_db: bool = False) -> Settings:
    """What commands call at start-up: every problem on its own line on stderr, then exit 2."""
    try:
        settings = load(env)
        if check_db and settings.database_url:
            check_database(settings.database_url)
    except SettingsError as exc:
        for problem in exc.problems:
            print(f"booker: {problem}", file=sys.stderr)
        sys.exit(2)
    return settings


def database_url_or_exit(settings: Settings) -> str:
    """The database every command uses: DATABASE_URL (validated by load), else the embedded
    cluster that `booker up` runs (BOOKER_VAR, BOOKER_PG_PORT); exits when there is neither."""
    if settings.database_url:
        return settings.database_url
    from booker.cluster import Cluster

    cluster = Cluster(pathlib.Path(settings.var_dir), settings.pg_port)
    if not cluster.running():
        sys.exit("no DATABASE_URL and the embedded cluster is not running: start it with `booker up`")
    return cluster.url
