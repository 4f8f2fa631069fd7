"""The embedded PostgreSQL cluster under ./var/ used by `booker up` when DATABASE_URL is unset.

It listens on loopback only, with a Unix socket in var/run, and trusts local
connections: it is a development database, not a deployment (see docker-compose.yml).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PORT = 54329


def pg_bindir() -> Path:
    """Where the server binaries are: `pg_config --bindir`, else Debian's path for 15."""
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run(
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        ).stdout.strip()
        if out and (Path(out) / "initdb").exists():
            return Path(out)
    for candidate in (Path("/usr/lib/postgresql/15/bin"), Path("/usr/local/pgsql/bin")):
        if (candidate / "initdb").exists():
            return candidate
    raise RuntimeError("PostgreSQL server binaries not found: install the package postgresql-15")


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


@dataclass
class Cluster:
    root: Path
    port: int = DEFAULT_PORT

    @property
    def data(self) -> Path:
        return self.root / "pgdata"

    @property
    def socket_dir(self) -> Path:
        return self.root / "run"

    @property
    def log(self) -> Path:
        return self.root / "postgres.log"

    @property
    def url(self) -> str:
        return f"postgresql://booker@127.0.0.1:{self.port}/booker"

    def _ctl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(pg_bindir() / "pg_ctl"), "-D", str(self.data), *args],
            capture_output=True,
            text=True,
            check=False,
        )

    def running(self) -> bool:
        return self._ctl("status").returncode == 0

    def init(self) -> bool:
        """initdb when there is no cluster yet; True if one was created."""
        if (self.data / "PG_VERSION").exists():
            return False
        if os.geteuid() == 0:
            raise RuntimeError("initdb refuses to run as root: run `make run`, which switches user")
        self.root.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                str(pg_bindir() / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "booker",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-instructions",
            ],
            check=True,
            capture_output=True,
        )
        return True

    def start(self, options: str = "") -> None:
        """Start it (after initdb when new); `options`: more `-c name=value` server settings."""
        self.init()
        if self.running():
            return
        if not _port_free(self.port):
            raise RuntimeError(f"port {self.port} is taken; set BOOKER_PG_PORT to another port")
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        # In the configuration file, not on the command line: pg_rewind's crash recovery of a lost
        # primary reads the file. With it, that primary can rejoin its promoted standby.
        auto = self.data / "postgresql.auto.conf"
        if "wal_log_hints" not in auto.read_text():
            with auto.open("a") as conf:
                conf.write("wal_log_hints = on\n")
        opts = (
            f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 "
            f"-c max_connections=300 -c shared_buffers=256MB {options}"
        )
        result = self._ctl("-l", str(self.log), "-w", "-t", "60", "-o", opts, "start")
        if result.returncode != 0:
            raise RuntimeError(f"PostgreSQL did not start; see {self.log}: {result.stderr.strip()}")
        subprocess.run(
            [
                str(pg_bindir() / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "booker",
                "booker",
            ],
            capture_output=True,
            check=False,
        )

    def stop(self) -> None:
        if self.running():
            self._ctl("-m", "fast", "-w", "stop")


# --- beyond one machine, on loopback: a streaming standby and PgBouncer -----------------------
# `booker up --replica --pooler` and tests/scale use these; docs/scaling.md shows the same
# topology with the real names of a deployment.

def make_synchronous(owner_url: str) -> None:
    """The primary waits for a standby to confirm every commit (synchronous_commit = on, any
    standby: '*'), so a booking that got 201 survives the primary's crash. Set once a standby
    streams (before, every commit would wait for it). A standby made by pg_basebackup after
    this copies the setting and clears it (Standby.init): promoted, it would otherwise wait
    for a standby of its own."""
    import psycopg

    with psycopg.connect(owner_url, autocommit=True) as conn:
        conn.execute("ALTER SYSTEM SET synchronous_standby_names = '*'")
        conn.execute("ALTER SYSTEM SET synchronous_commit = on")
        conn.execute("SELECT pg_reload_conf()")


@dataclass
class Standby(Cluster):
    """A streaming standby of the cluster on `primary_port`: pg_basebackup -R (primary_conninfo,
    standby.signal) through a physical replication slot, so the primary keeps the WAL it needs."""

    primary_port: int = DEFAULT_PORT
    slot: str = "booker_standby"

    def init(self) -> bool:
        if (self.data / "PG_VERSION").exists():
            return False
        if os.geteuid() == 0:
            raise RuntimeError("PostgreSQL refuses to run as root: run `make run`, which switches user")
        self.root.mkdir(parents=True, exist_ok=True)
        base = [str(pg_bindir() / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.primary_port),
                "-U", "booker", "-D", str(self.data), "-R", "-X", "stream", "-S", self.slot,
                "--checkpoint=fast"]
        result = subprocess.run([*base, "-C"], capture_output=True, text=True, check=False)
        if result.returncode != 0 and "already exists" in result.stderr:  # the slot outlived a standby
            shutil.rmtree(self.data, ignore_errors=True)
            result = subprocess.run(base, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"pg_basebackup failed: {result.stderr.strip()}")
        with open(self.data / "postgresql.auto.conf", "a") as conf:
            # the walreceiver's name on the primary (pg_stat_replication.application_name)
            conf.write(f"cluster_name = '{self.slot}'\nhot_standby_feedback = on\n"
                       "synchronous_standby_names = ''\n")
        return True

    def promote(self) -> None:
        result = self._ctl("-w", "-t", "60", "promote")
        if result.returncode != 0:
            raise RuntimeError(f"pg_ctl promote failed: {result.stderr.strip()}")


def pgbouncer_binary() -> str:
    found = shutil.which("pgbouncer") or next(
        (p for p in ("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer") if Path(p).exists()), None)
    if not found:
        raise RuntimeError("pgbouncer not found: install the package pgbouncer")
    return found


@dataclass
class Pooler:
    """PgBouncer in transaction mode on loopback in front of the PostgreSQL on `db_port`
    (trust, as the embedded cluster: a development topology). `command` runs it in the
    foreground (the supervisor or a test owns the process)."""

    root: Path
    port: int
    db_port: int
    users: tuple[str, ...] = ("booker", "booker_app", "booker_report")
    pool_size: int = 20

    @property
    def config(self) -> Path:
        return self.root / "pgbouncer.ini"

    @property
    def url(self) -> str:
        return f"postgresql://booker_app@127.0.0.1:{self.port}/booker"

    def write_config(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "userlist.txt").write_text("".join(f'"{u}" ""\n' for u in self.users))
        self.config.write_text(f"""\
[databases]
* = host=127.0.0.1 port={self.db_port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {self.port}
unix_socket_dir =
auth_type = trust
auth_file = {self.root / "userlist.txt"}
admin_users = booker
pool_mode = transaction
default_pool_size = {self.pool_size}
max_client_conn = 1000
server_reset_query =
server_check_delay = 0
server_login_retry = 1
# a query waits at most this long for a server connection (default 120 s): then the client
# connection fails and the edge answers 503, as when its own pool has nothing free
query_wait_timeout = 3
logfile = {self.root / "pgbouncer.log"}
pidfile =
""")
        return self.config

    def command(self) -> list[str]:
        self.write_config()
        return [pgbouncer_binary(), str(self.config)]
