"""`booker up`: the embedded cluster (when DATABASE_URL is unset), migrations, demo data,
and the processes of the system, supervised, and stopped together on Ctrl-C or SIGTERM.

Each child (edge, worker, SMTP sink) runs in its own process group, so a signal meant
for one reaches everything it spawned and nothing else; on the way out `up` sends each
group SIGTERM, waits, escalates to SIGKILL after a grace period, and only then stops
the embedded cluster. A child that exits on its own is restarted, after 1, 2, 4 … up to
30 seconds while it keeps failing, with a log line each time; var/run/status.json tells
the edge (/ready, /metrics) which part is down. Only the death of the embedded
PostgreSQL (or Ctrl-C, SIGTERM) stops the whole. Nothing outlives `up`: see
booker.supervisor (parent-death signal, watchdog, leftovers of an earlier run).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import psycopg

from booker import supervisor
from booker.limits import raise_nofile_limit
from booker.settings import Settings, load_or_exit

if TYPE_CHECKING:
    from booker.cluster import Pooler, Standby

LOOPBACK = ("127.0.0.1", "localhost", "::1", "")
GRACE_SECONDS = 15.0
READY_TIMEOUT = 60.0
RESTART_FIRST = 1.0  # seconds before restarting a child that exited; doubled while it keeps failing
RESTART_MAX = 30.0
STABLE_SECONDS = 60.0  # a child up this long starts again from the shortest delay


class Stop(Exception):
    """Raised in the main thread by SIGINT/SIGTERM, so start-up and supervision unwind alike."""


def _on_signal(signum: int, _frame: FrameType | None) -> None:
    raise Stop(signal.Signals(signum).name)


def say(message: str) -> None:
    print(f"booker: {message}", file=sys.stderr, flush=True)


def port_taken(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1.0)
        return s.connect_ex(("127.0.0.1" if host in ("0.0.0.0", "", "::") else host, port)) == 0


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]

    @property
    def pid(self) -> int:
        return self.process.pid

    def group_alive(self) -> bool:
        try:
            os.killpg(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def signal_group(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, sig)


def spawn(name: str, command: str | list[str], env: dict[str, str]) -> Child:
    """A `booker` subcommand (a name), or another program (an argv: PgBouncer)."""
    argv = [sys.executable, "-m", "booker.cli", command] if isinstance(command, str) else command
    process = subprocess.Popen(argv, env=env,
                               stdin=subprocess.DEVNULL, start_new_session=True,
                               preexec_fn=supervisor.die_with_parent())
    return Child(name, process)


@dataclass
class Part:
    """One supervised child: the command it runs, and its restart bookkeeping."""

    name: str
    command: str | list[str]
    child: Child
    restarts: int = 0
    delay: float = RESTART_FIRST
    started: float = 0.0
    restart_at: float | None = None  # when it is down: the time of the next start
    last_exit: int | None = None

    def status(self) -> dict[str, object]:
        return {"up": self.restart_at is None, "pid": self.child.pid if self.restart_at is None else None,
                "restarts": self.restarts, "last_exit": self.last_exit}


class Supervisor:
    """Restarts the children that exit, with backoff; stops everything when PostgreSQL dies."""

    def __init__(self, settings: Settings, env: dict[str, str], parts: list[Part], postgres: int | None,
                 watchdog: int | None) -> None:
        self.settings, self.env, self.parts = settings, env, parts
        self.postgres, self.watchdog = postgres, watchdog
        self.stop_with_postgres = True  # False with a standby: the primary may die, `up` goes on

    def children(self) -> list[Child]:
        return [p.child for p in self.parts]

    def write(self) -> None:
        write_state(self.settings, self.children(), self.postgres, self.watchdog)
        supervisor.write_json(supervisor.run_dir(self.settings.var_dir) / "status.json", {
            "supervisor": os.getpid(), "parts": {p.name: p.status() for p in self.parts}})

    def check(self, now: float) -> None:
        if self.postgres is not None and self.stop_with_postgres and not supervisor.alive(self.postgres):
            raise RuntimeError(f"PostgreSQL (pid {self.postgres}) exited; stopping everything")
        changed = False
        for part in self.parts:
            if part.restart_at is None and part.child.process.poll() is not None:
                part.last_exit = part.child.process.returncode
                part.child.signal_group(signal.SIGKILL)  # whatever it spawned goes with it
                if now - part.started >= STABLE_SECONDS:
                    part.delay = RESTART_FIRST
                part.restart_at = now + part.delay
                say(f"{part.name} exited with code {part.last_exit}; restarting it in {part.delay:.0f} s")
                part.delay = min(part.delay * 2, RESTART_MAX)
                changed = True
            elif part.restart_at is not None and now >= part.restart_at:
                part.child = spawn(part.name, part.command, self.env)
                part.restarts += 1
                part.started, part.restart_at = now, None
                say(f"{part.name} restarted (pid {part.child.pid}, restart {part.restarts})")
                changed = True
        if changed:
            self.write()

    def run(self) -> None:
        self.write()
        while True:
            self.check(time.monotonic())
            time.sleep(0.2)


def stop_children(children: list[Child], grace: float = GRACE_SECONDS) -> None:
    """Stop each child in turn (edge first: no new work; then the worker, which finishes the
    message in flight while the mail sink is still there; then the sink): SIGTERM to its
    group, wait, SIGKILL what is left of the group after the grace period."""
    for child in children:
        if child.process.poll() is None:
            say(f"stopping {child.name} (pid {child.pid})")
        child.signal_group(signal.SIGTERM)
        try:
            child.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            say(f"{child.name} did not stop within {grace:.0f} s: killing it")
            child.signal_group(signal.SIGKILL)
            child.process.wait()
        end = time.monotonic() + 5  # the leader is reaped; whatever it spawned in its group goes too
        while child.group_alive() and time.monotonic() < end:
            time.sleep(0.05)
        if child.group_alive():
            child.signal_group(signal.SIGKILL)


def wait_ready(url: str, children: list[Child], timeout: float = READY_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        for child in children:
            if child.process.poll() is not None:
                raise RuntimeError(f"{child.name} exited with code {child.process.returncode} "
                                   "during start-up")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code}"
        except (OSError, urllib.error.URLError) as exc:
            last = str(getattr(exc, "reason", exc))
        time.sleep(0.2)
    raise RuntimeError(f"{url} was not ready after {timeout:.0f} s ({last})")


def child_database_url(cluster_url: str) -> str:
    """Edge and worker log in as booker_app, the role with only the rights they need.
    The embedded cluster trusts loopback, so the role needs LOGIN and no password."""
    with psycopg.connect(cluster_url, autocommit=True) as conn:
        conn.execute("ALTER ROLE booker_app LOGIN")
    return cluster_url.replace("://booker@", "://booker_app@", 1)


def redact(url: str) -> str:
    """The URL without its password, for printing."""
    info = psycopg.conninfo.conninfo_to_dict(url)
    if not info.get("password"):
        return url
    return (f"postgresql://{info.get('user', '')}:***@{info.get('host', '')}:{info.get('port', 5432)}"
            f"/{info.get('dbname', '')}")


def set_app_password(owner_url: str, password: str) -> None:
    """BOOKER_APP_DB_PASSWORD: let booker_app log in with that password (Compose's migrate service)."""
    from psycopg import sql

    with psycopg.connect(owner_url, autocommit=True) as conn:
        conn.execute(sql.SQL("ALTER ROLE booker_app LOGIN PASSWORD {}").format(sql.Literal(password)))


def demo_admin_present(url: str) -> bool:
    from booker import demo

    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT 1 FROM booking.users WHERE lower(email) = %s AND role = 'admin'",
                           (demo.ADMIN_EMAIL,)).fetchone()
    return row is not None


def mail_sink_wanted(args: argparse.Namespace, settings: Settings) -> bool:
    return not args.no_mail_sink and settings.smtp_host in LOOPBACK


def write_state(settings: Settings, children: list[Child], cluster_pid: int | None,
                watchdog: int | None = None) -> Path:
    """var/run/up.json: what this `up` started, for people (and tests) who want to check, for
    its watchdog and for the next `up` (booker.supervisor)."""
    path = supervisor.run_dir(settings.var_dir) / "up.json"
    state = {"pid": os.getpid(), "children": {c.name: c.pid for c in children}, "postgres": cluster_pid,
             "watchdog": watchdog, "url": settings.public_url}
    supervisor.write_json(path, state)
    return path


def postmaster_pid(data: Path) -> int | None:
    try:
        return int((data / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return None


@dataclass
class Topology:
    """`--replica` and `--pooler`: a synchronous streaming standby on BOOKER_PG_PORT+1 and
    PgBouncer (transaction mode) on BOOKER_PG_PORT+2, next to the embedded cluster, and the
    URLs edge and worker get (docs/scaling.md)."""

    standby: Standby | None = None
    pooler: Pooler | None = None

    def start(self, settings: Settings, owner_url: str, app_url: str, replica: bool,
              pooler: bool) -> dict[str, str]:
        """Start the standby (the pooler is a supervised child); the children's database URLs."""
        from booker.cluster import Pooler, Standby, make_synchronous

        env = {"DATABASE_URL": app_url}
        direct = app_url
        if replica:
            standby = Standby(Path(settings.var_dir) / "standby", settings.pg_port + 1,
                              primary_port=settings.pg_port)
            say(f"starting a streaming standby in {standby.data} (port {standby.port})")
            standby.start()
            make_synchronous(owner_url)
            self.standby = standby
            # both servers, the writable one wins: edge and worker follow a promoted standby
            direct = (f"postgresql://booker_app@127.0.0.1:{settings.pg_port},127.0.0.1:{standby.port}"
                      "/booker?target_session_attrs=read-write&connect_timeout=3")
            env["DATABASE_URL"] = direct
            env["BOOKER_READ_DATABASE_URL"] = f"postgresql://booker_app@127.0.0.1:{standby.port}/booker"
        if pooler:
            self.pooler = Pooler(Path(settings.var_dir) / "pgbouncer", settings.pg_port + 2, settings.pg_port)
            if port_taken("127.0.0.1", settings.pg_port + 2):
                raise RuntimeError(f"port {settings.pg_port + 2} (PgBouncer) is taken; set BOOKER_PG_PORT")
            env["DATABASE_URL"] = self.pooler.url
            env["BOOKER_LISTEN_DATABASE_URL"] = direct  # LISTEN never through a transaction pooler
        return env

    def stop(self) -> None:
        if self.standby is not None:
            say("stopping the standby")
            self.standby.stop()


def cmd_up(args: argparse.Namespace) -> int:
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # SIGHUP: the terminal went away
        signal.signal(sig, _on_signal)
    settings = load_or_exit(check_db=True)
    raise_nofile_limit()  # inherited by PostgreSQL, the edge, the worker and the sink
    try:
        return _up(args, settings)
    except Stop:
        return 0
    except (RuntimeError, psycopg.Error) as exc:
        say(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)
        return 1


def _up(args: argparse.Namespace, settings: Settings) -> int:
    from booker import demo, migrate
    from booker.cluster import Cluster

    sink = mail_sink_wanted(args, settings)
    if not args.once:
        supervisor.stop_leftovers(settings.var_dir, say)
        if port_taken(settings.host, settings.port):
            raise RuntimeError(f"BOOKER_PORT={settings.port} is taken by another program; "
                               "choose another port")
        if sink and port_taken("127.0.0.1", settings.smtp_port):
            raise RuntimeError(f"SMTP_PORT={settings.smtp_port} (the mail sink) is taken; "
                               "choose another port")

    if (args.replica or args.pooler) and settings.database_url:
        raise RuntimeError("--replica and --pooler start local engines next to the embedded cluster: "
                           "unset DATABASE_URL (docs/scaling.md shows a deployment's topology)")
    cluster: Cluster | None = None
    topology = Topology()
    parts: list[Part] = []  # the supervised children; stopped in the finally block, whatever happens
    watchdog: subprocess.Popen[bytes] | None = None
    try:
        if settings.database_url:
            url = app_url = settings.database_url
        else:
            cluster = Cluster(Path(settings.var_dir), settings.pg_port)
            say(f"starting the embedded PostgreSQL in {cluster.data} (port {settings.pg_port})")
            cluster.start()
            url = cluster.url
        if not args.once:  # from here on, nothing of this run outlives it (booker.supervisor)
            watchdog = supervisor.spawn_watchdog(settings.var_dir, args.keep_db)
            write_state(settings, [], postmaster_pid(cluster.data) if cluster else None, watchdog.pid)
        migrate.migrate(url)
        if settings.development and demo.load(url):  # demo accounts only ever in development
            say("demo data loaded")
        if cluster is not None:
            app_url = child_database_url(url)
        if settings.app_db_password:
            set_app_password(url, settings.app_db_password)
        if args.once:
            print(f"database ready: {redact(url)}", flush=True)
            return 0

        env = dict(os.environ, DATABASE_URL=app_url, BOOKER_VAR=settings.var_dir,
                   BOOKER_MAIL_DIR=settings.mail_dir, PYTHONUNBUFFERED="1")
        commands: list[tuple[str, str | list[str]]] = [("worker", "worker"), ("edge", "serve")]
        if args.replica or args.pooler:
            env.update(topology.start(settings, url, app_url, args.replica, args.pooler))
        if topology.pooler is not None:
            commands.insert(0, ("pgbouncer", topology.pooler.command()))
        if sink:
            Path(settings.mail_dir).mkdir(parents=True, exist_ok=True)
            env.update(SMTP_HOST="127.0.0.1", SMTP_PORT=str(settings.smtp_port))
            commands.insert(0, ("mail sink", "mail-sink"))
        now = time.monotonic()
        for name, command in commands:
            parts.append(Part(name, command, spawn(name, command, env), started=now))
        supervised = Supervisor(settings, env, parts, postmaster_pid(cluster.data) if cluster else None,
                                watchdog.pid if watchdog else None)
        # with a standby, the primary may die (try a failover: docs/operations.md) and `up` goes on
        supervised.stop_with_postgres = not args.replica
        supervised.write()

        local = settings.host if settings.host not in ("0.0.0.0", "", "::") else "127.0.0.1"
        wait_ready(f"http://{local}:{settings.port}/ready", [p.child for p in parts])
        banner(settings, url, sink, demo_admin_present(url))
        if args.replica or args.pooler:
            for name in ("DATABASE_URL", "BOOKER_READ_DATABASE_URL", "BOOKER_LISTEN_DATABASE_URL"):
                if name in env:
                    print(f"  {name}={env[name]}", flush=True)

        supervised.run()
        return 1  # not reached: run() returns only by an exception
    finally:
        # A second Ctrl-C must not interrupt the clean-up half way.
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        stop_children([p.child for p in reversed(parts) if p.restart_at is None])
        if not args.keep_db:
            topology.stop()
        if cluster is not None and not args.keep_db:
            say("stopping the embedded PostgreSQL")
            cluster.stop()
        if watchdog is not None:  # last: had `up` been killed during the clean-up, it would finish it
            watchdog.terminate()
            watchdog.wait()
        with contextlib.suppress(OSError):
            (supervisor.run_dir(settings.var_dir) / "status.json").unlink()
        if parts:
            say("stopped")


def banner(settings: Settings, url: str, sink: bool, demo_admin: bool) -> None:
    from booker import demo

    lines = [f"Booker is running at {settings.public_url}/"]
    if demo_admin:
        lines += [f"  demo admin:   {demo.ADMIN_EMAIL} / {demo.ADMIN_PASSWORD}",
                  f"  demo member:  {demo.MEMBER_EMAIL} / {demo.MEMBER_PASSWORD}"]
    if sink:
        lines.append(f"  emails:       saved as .eml files in {settings.mail_dir} "
                     f"(SMTP sink on 127.0.0.1:{settings.smtp_port}); delivery status under /admin")
    else:
        lines.append(f"  emails:       sent through {settings.smtp_host}:{settings.smtp_port}")
    lines += [f"  database:     {redact(url)}   (booker psql)",
              f"  metrics:      {settings.public_url}/metrics",
              "Press Ctrl-C to stop."]
    print("\n".join(lines), flush=True)


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("up", help="start everything (embedded database unless DATABASE_URL is set)")
    p.add_argument("--once", action="store_true", help="prepare the database, then exit")
    p.add_argument("--keep-db", action="store_true", help="leave the embedded database running on exit")
    p.add_argument("--no-mail-sink", action="store_true",
                   help="do not start the development SMTP sink (use SMTP_HOST/SMTP_PORT as they are)")
    p.add_argument("--replica", action="store_true",
                   help="also a synchronous streaming standby (BOOKER_PG_PORT+1) for reads and failover")
    p.add_argument("--pooler", action="store_true",
                   help="also PgBouncer in transaction mode (BOOKER_PG_PORT+2) in front of the primary")
    p.set_defaults(func=cmd_up)
