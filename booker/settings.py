"""Configuration from the environment, validated at start-up.

Every setting Booker reads is declared here (and documented in .env.example); a
missing or invalid one stops start-up with one clear line per problem.
"""

from __future__ import annotations

import collections
import itertools
import math
import os
import pathlib
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from booker import ROOT

DEV_SECRET = "dev-only-insecure-secret-change-me-0123456789"

# Every BOOKER_SECRET value printed anywhere in this repository (.env.example, compose,
# docs, tests): public, so refused outside development. tests/ops/test_secrets.py scans
# the repository and fails when a new one appears that is neither here nor refused anyway.
KNOWN_SECRETS = frozenset({
    DEV_SECRET,
    "compose-demo-secret-replace-me-in-.env-0123456789",
    "test-secret-0123456789-0123456789-abcdef",
    "metrics-test-secret-0123456789-abcdef",
    "pages-test-secret-0123456789-0123456789",
    "browser-test-secret-0123456789-0123456789",
    "change-me-change-me-change-me-change-me",
})
MIN_SECRET_BITS = 80  # `openssl rand -hex 16` estimates 90-125, `-hex 32` ~230, `"a" * 32` 0
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1", "[::1]")

# Abuse limits (count per seconds), kept in PostgreSQL so every edge shares them; see
# docs/operations.md "Security". None: that limit is off. Defaults: the Settings fields.
Limit = tuple[int, int]
LIMITS = {
    "BOOKER_LIMIT_LOGIN": "limit_login",  # failed sign-ins per address and email
    "BOOKER_LIMIT_LOGIN_ADDRESS": "limit_login_address",  # failed sign-ins per address
    "BOOKER_LIMIT_REGISTER": "limit_register",  # registrations per address
    "BOOKER_LIMIT_HOLDS": "limit_holds",  # holds per address
    "BOOKER_LIMIT_GUEST_BOOKINGS": "limit_guest_bookings",  # bookings without an account per address
    "BOOKER_LIMIT_ACCOUNT_EMAILS": "limit_account_emails",  # reset/verification emails per address
    "BOOKER_LIMIT_ACCOUNT_EMAILS_TO": "limit_account_emails_to",  # ... and per recipient (email or account)
    "BOOKER_LIMIT_ACCOUNT_TOKENS": "limit_account_tokens",  # link uses per address, password changes per user
}


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
    allow_http: bool = False
    rate_limits: bool = True
    limit_login: Limit | None = (5, 300)
    limit_login_address: Limit | None = (20, 900)
    limit_register: Limit | None = (10, 3600)
    limit_holds: Limit | None = (60, 600)
    limit_guest_bookings: Limit | None = (30, 600)
    limit_account_emails: Limit | None = (10, 3600)
    limit_account_emails_to: Limit | None = (3, 3600)
    limit_account_tokens: Limit | None = (20, 900)
    max_open_holds: int | None = 20

    def limit(self, name: str) -> Limit | None:
        """A rate limit by attribute name (e.g. "limit_holds"), None when off."""
        return getattr(self, name) if self.rate_limits else None

    @property
    def open_holds_cap(self) -> int | None:
        return self.max_open_holds if self.rate_limits else None

    @property
    def secure_cookies(self) -> bool:
        """Secure cookies: behind https, and always in production unless http is allowed."""
        return self.public_url.startswith("https://") or (self.environment == "production"
                                                          and not self.allow_http)
    # Connection limits and bounded waits of the edge (docs/operations.md, "Security").
    trusted_proxies: tuple[str, ...] = ()  # addresses/networks whose X-Forwarded-For is believed
    max_connections_per_client: int = 256  # concurrent HTTP connections per client address
    max_live_per_client: int = 128  # concurrent WebSockets + SSE streams per client address
    header_timeout: float = 10.0  # seconds a new connection may take to send its first request's headers
    keepalive_timeout: float = 15.0  # seconds an idle keep-alive connection stays open
    db_pool_wait: float = 3.0  # seconds a request waits for a database connection before 503 busy
    # Beyond one machine (docs/scaling.md): a streaming replica for public reads, a direct
    # connection for LISTEN when DATABASE_URL goes through a transaction pooler.
    read_database_url: str | None = None  # public reads (catalogue, slots, availability, resync)
    listen_database_url: str | None = None  # LISTEN of the edge and the worker; default DATABASE_URL
    replica_max_lag: float = 1.0  # seconds a replica may be behind before reads go to the primary

    @property
    def listen_url(self) -> str | None:
        """Where LISTEN connections go: BOOKER_LISTEN_DATABASE_URL, else DATABASE_URL."""
        return self.listen_database_url or self.database_url
    # Webhooks, calendar feeds and the embeddable widget (issue 16; docs/operations.md "Webhooks").
    webhook_timeout: float = 10.0  # seconds one webhook request may take, connection to answer
    webhook_allow_private: bool | None = None  # may webhooks reach private addresses? None: not in production
    frame_ancestors: tuple[str, ...] = ()  # origins that may frame the widget (/embed/...); () = none

    @property
    def webhook_private_allowed(self) -> bool:
        if self.webhook_allow_private is None:
            return self.environment != "production"
        return self.webhook_allow_private

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
    "BOOKER_ALLOW_HTTP": "allow_http",
    "BOOKER_RATE_LIMITS": "rate_limits",
    "BOOKER_MAX_OPEN_HOLDS": "max_open_holds",
    **LIMITS,
    "BOOKER_TRUSTED_PROXIES": "trusted_proxies",
    "BOOKER_MAX_CONNECTIONS_PER_CLIENT": "max_connections_per_client",
    "BOOKER_MAX_LIVE_PER_CLIENT": "max_live_per_client",
    "BOOKER_HEADER_TIMEOUT": "header_timeout",
    "BOOKER_KEEPALIVE_TIMEOUT": "keepalive_timeout",
    "BOOKER_DB_POOL_WAIT": "db_pool_wait",
    "BOOKER_READ_DATABASE_URL": "read_database_url",
    "BOOKER_LISTEN_DATABASE_URL": "listen_database_url",
    "BOOKER_REPLICA_MAX_LAG": "replica_max_lag",
    "BOOKER_WEBHOOK_TIMEOUT": "webhook_timeout",
    "BOOKER_WEBHOOK_ALLOW_PRIVATE": "webhook_allow_private",
    "BOOKER_FRAME_ANCESTORS": "frame_ancestors",
}
# BOOKER_* variables that are not settings of the services: read by scripts/ and tests/.
# Any other BOOKER_* variable is refused at start-up (a misspelt setting must not be ignored).
NOT_SETTINGS = frozenset({"BOOKER_RUN_USER", "BOOKER_TZ_SEED"})
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


def secret_bits(secret: str) -> float:
    """A rough estimate of a secret's entropy in bits: the least of the Shannon entropy of its
    characters and of the steps between them (catches abcdef..., 0123...), times its length;
    0 when it repeats itself (a period covering half of it or more)."""
    n = len(secret)
    for period in range(1, n // 2 + 1):
        same = sum(secret[i] == secret[i + period] for i in range(n - period))
        if same >= (n - period) * 0.5:
            return 0.0

    def shannon(seq: list[int] | str) -> float:
        counts = collections.Counter(seq)
        return -sum(c / len(seq) * math.log2(c / len(seq)) for c in counts.values()) * len(seq)

    steps = [ord(b) - ord(a) for a, b in itertools.pairwise(secret)]
    return min(shannon(secret), shannon(steps) if steps else 0.0)


def secret_problem(secret: str) -> str | None:
    """Why a secret may not be used outside development, in one line; None when it may."""
    if secret in KNOWN_SECRETS:
        return ("BOOKER_SECRET is a published example value (it appears in the Booker repository); "
                "set your own, e.g. `openssl rand -hex 32`")
    bits = secret_bits(secret)
    if bits < MIN_SECRET_BITS:
        return (f"BOOKER_SECRET looks guessable (about {bits:.0f} bits of entropy, {MIN_SECRET_BITS} "
                "needed); set a random one, e.g. `openssl rand -hex 32`")
    return None


def _limit(name: str, value: str, problems: list[str]) -> Limit | None:
    v = value.strip().lower()
    if v in ("off", "0", "none"):
        return None
    m = re.fullmatch(r"(\d{1,6})\s*/\s*(\d{1,6})\s*([smh]?)", v)
    seconds = int(m.group(2)) * {"": 1, "s": 1, "m": 60, "h": 3600}[m.group(3)] if m else 0
    if not m or int(m.group(1)) < 1 or not 1 <= seconds <= 86400:
        problems.append(f"{name}={value!r} must be COUNT/SECONDS (e.g. 5/900 or 5/15m, at most a day) or off")
        return None
    return int(m.group(1)), seconds
def _number(env: Mapping[str, str], name: str, lo: float, hi: float, problems: list[str],
            kind: type[int] | type[float] = int) -> int | float | None:
    if name not in env:
        return None
    try:
        value = kind(env[name])
    except ValueError:
        value = None
    if value is None or not lo <= value <= hi:
        what = "a whole number" if kind is int else "a number of seconds"
        problems.append(f"{name} must be {what} from {lo:g} to {hi:g}")
        return None
    return value


def _limits(env: Mapping[str, str], values: dict[str, object], problems: list[str]) -> None:
    """The edge's connection limits and waits (see Settings)."""
    import ipaddress

    proxies = [p.strip() for p in env.get("BOOKER_TRUSTED_PROXIES", "").split(",") if p.strip()]
    for proxy in proxies:
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            problems.append(f"BOOKER_TRUSTED_PROXIES: {proxy!r} is not an IP address or network")
    values["trusted_proxies"] = tuple(proxies)
    for name, attr, lo, hi, kind in (
            ("BOOKER_MAX_CONNECTIONS_PER_CLIENT", "max_connections_per_client", 1, 1_000_000, int),
            ("BOOKER_MAX_LIVE_PER_CLIENT", "max_live_per_client", 1, 1_000_000, int),
            ("BOOKER_HEADER_TIMEOUT", "header_timeout", 0.1, 3600, float),
            ("BOOKER_KEEPALIVE_TIMEOUT", "keepalive_timeout", 0.1, 3600, float),
            ("BOOKER_DB_POOL_WAIT", "db_pool_wait", 0.1, 60, float),
            ("BOOKER_REPLICA_MAX_LAG", "replica_max_lag", 0, 3600, float)):
        value = _number(env, name, lo, hi, problems, kind)
        if value is not None:
            values[attr] = value


FRAME_SOURCE = re.compile(r"^(\*|'self'|https?://(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?)$")


def _hooks(env: Mapping[str, str], values: dict[str, object], problems: list[str]) -> None:
    """Webhooks and the embeddable widget (issue 16)."""
    value = _number(env, "BOOKER_WEBHOOK_TIMEOUT", 0.5, 120, problems, float)
    if value is not None:
        values["webhook_timeout"] = value
    if "BOOKER_WEBHOOK_ALLOW_PRIVATE" in env:
        values["webhook_allow_private"] = _bool("BOOKER_WEBHOOK_ALLOW_PRIVATE",
                                                env["BOOKER_WEBHOOK_ALLOW_PRIVATE"], problems)
    sources = env.get("BOOKER_FRAME_ANCESTORS", "").split()
    if bad := [s for s in sources if not FRAME_SOURCE.match(s)]:
        problems.append(f"BOOKER_FRAME_ANCESTORS: {bad[0]!r} is not an origin (https://shop.example), "
                        "'self' or *")
    values["frame_ancestors"] = tuple(sources)


def load(env: Mapping[str, str] | None = None) -> Settings:
    """Read and validate settings; raises SettingsError listing every problem."""
    env = os.environ if env is None else env
    problems: list[str] = []
    values: dict[str, object] = {}

    environment = env.get("BOOKER_ENV", "development")
    if environment not in ("development", "production", "test"):
        problems.append(f"BOOKER_ENV={environment!r} must be development, production or test")
    values["environment"] = environment

    for name in sorted(env):
        if name.startswith("BOOKER_") and name not in NAMES and name not in NOT_SETTINGS:
            problems.append(f"{name} is not a Booker setting (see .env.example): remove or correct it")
    for name, attr in (("DATABASE_URL", "database_url"), ("BOOKER_READ_DATABASE_URL", "read_database_url"),
                       ("BOOKER_LISTEN_DATABASE_URL", "listen_database_url")):
        if url := env.get(name):
            if urlsplit(url).scheme not in ("postgresql", "postgres") and "dbname=" not in url:
                problems.append(f"{name} must be a postgresql:// URL")
            values[attr] = url

    secret = env.get("BOOKER_SECRET")
    if secret:
        if len(secret) < 32:
            problems.append("BOOKER_SECRET must be at least 32 characters")
        values["secret"] = secret
        if environment != "development" and len(secret) >= 32 and (problem := secret_problem(secret)):
            problems.append(problem)
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
    if "BOOKER_ALLOW_HTTP" in env:
        values["allow_http"] = _bool("BOOKER_ALLOW_HTTP", env["BOOKER_ALLOW_HTTP"], problems)
    host = (urlsplit(public).hostname or "").lower()
    if (environment == "production" and urlsplit(public).scheme == "http" and host not in LOOPBACK_HOSTS
            and not values.get("allow_http")):
        problems.append(f"BOOKER_PUBLIC_URL={public!r} is plain http in production: use https "
                        "(behind a TLS proxy), or set BOOKER_ALLOW_HTTP=true to accept the risk")
    if "BOOKER_RATE_LIMITS" in env:
        values["rate_limits"] = _bool("BOOKER_RATE_LIMITS", env["BOOKER_RATE_LIMITS"], problems)
    for name, attr in LIMITS.items():
        if name in env:
            values[attr] = _limit(name, env[name], problems)
    if "BOOKER_MAX_OPEN_HOLDS" in env:
        raw = env["BOOKER_MAX_OPEN_HOLDS"].strip().lower()
        if raw == "off":
            values["max_open_holds"] = None
        elif raw.isdigit() and 1 <= int(raw) <= 10000:
            values["max_open_holds"] = int(raw)
        else:
            problems.append("BOOKER_MAX_OPEN_HOLDS must be a whole number from 1 to 10000, or off")

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
    _limits(env, values, problems)
    _hooks(env, values, problems)

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


def check_listen(url: str, timeout: float = 2.0) -> None:
    """Refuse a LISTEN URL that does not deliver notifications, which is what a transaction
    pooler (PgBouncer in pool_mode=transaction) does: between transactions the client holds
    no server connection, so a NOTIFY never reaches it. The probe is the behaviour itself
    (LISTEN on one connection, NOTIFY from another, wait `timeout` seconds), so it needs no
    pooler-specific query and also catches statement pooling. A database that cannot be
    reached is not this check's business (the listeners keep retrying): it passes."""
    import secrets

    import psycopg
    from psycopg import sql

    channel = sql.Identifier(f"booker_listen_probe_{secrets.token_hex(6)}")
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=5, prepare_threshold=None) as listener:
            listener.execute(sql.SQL("LISTEN {}").format(channel))
            with psycopg.connect(url, autocommit=True, connect_timeout=5, prepare_threshold=None) as other:
                other.execute(sql.SQL("NOTIFY {}").format(channel))
            heard = any(True for _ in listener.notifies(timeout=timeout, stop_after=1))
    except psycopg.Error:
        return
    if not heard:
        info = psycopg.conninfo.conninfo_to_dict(url)
        where = f"{info.get('host', 'localhost')}:{info.get('port', 5432)}"
        raise SettingsError([
            f"BOOKER_LISTEN_DATABASE_URL: a LISTEN through {where} never heard its NOTIFY (a transaction "
            "pooler such as PgBouncer?): point it at PostgreSQL itself (default: DATABASE_URL)"])


def check_listen_or_exit(settings: Settings, url: str) -> None:
    """At start-up of the edge and the worker: the LISTEN URL (else `url`) must deliver NOTIFY."""
    try:
        check_listen(settings.listen_database_url or url)
    except SettingsError as exc:
        for problem in exc.problems:
            print(f"booker: {problem}", file=sys.stderr)
        sys.exit(2)


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
