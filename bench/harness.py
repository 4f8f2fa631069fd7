"""The benchmark context: one throwaway PostgreSQL cluster with durable settings
(fsync and synchronous_commit on, as in production), and fresh migrated databases."""

from __future__ import annotations

import asyncio
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import psycopg
from psycopg.conninfo import make_conninfo

from booker import demo
from booker.cluster import pg_bindir
from booker.migrate import migrate

Row = tuple[str, str, str]  # scenario, measured figure, target


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class BenchContext:
    root: Path
    port: int = field(default_factory=free_port)
    databases: int = 0
    failures: list[str] = field(default_factory=list)  # checks that failed: `make bench` exits 1

    def fail(self, what: str) -> None:
        self.failures.append(what)

    def db_cpu_seconds(self) -> float:
        """CPU time (user + system) the cluster has used so far: its live processes plus the
        backends that have exited (the postmaster's reaped children)."""
        time.sleep(0.5)  # let the postmaster reap backends that just exited (their time moves to it)
        tick = os.sysconf("SC_CLK_TCK")
        postmaster = int((self.root / "data" / "postmaster.pid").read_text().split()[0])
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid, ppid = int(stat.parent.name), int(fields[1])
            if pid == postmaster:
                total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
            elif ppid == postmaster:
                total += int(fields[11]) + int(fields[12])
        return total / tick

    def start(self) -> None:
        data = self.root / "data"
        subprocess.run(
            [str(pg_bindir() / "initdb"), "-D", str(data), "-U", "bench", "-A", "trust", "--no-instructions"],
            check=True,
            capture_output=True,
        )
        opts = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=500 "
            "-c shared_buffers=512MB -c max_wal_size=4GB -c checkpoint_timeout=30min"
        )
        subprocess.run(
            [
                str(pg_bindir() / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(self.root / "log"),
                "-w",
                "-o",
                opts,
                "start",
            ],
            check=True,
            capture_output=True,
        )

    def stop(self) -> None:
        subprocess.run(
            [str(pg_bindir() / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            check=False,
        )

    def url(self, dbname: str = "postgres", user: str = "bench", password: str | None = None) -> str:
        return make_conninfo(host="127.0.0.1", port=self.port, user=user, dbname=dbname, password=password)

    def new_database(self, with_demo: bool = True) -> str:
        """A fresh migrated database (with demo data by default); returns the owner's conninfo."""
        self.databases += 1
        name = f"bench{self.databases}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
            conn.execute(
                "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'booker_app') THEN "
                "ALTER ROLE booker_app LOGIN PASSWORD 'booker_app'; END IF; END $$"
            )
        url = self.url(name)
        migrate(url)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("ALTER ROLE booker_app LOGIN PASSWORD 'booker_app'")
        if with_demo:
            demo.load(url)
        return url

    def app_url(self, owner_url: str) -> str:
        """The same database as booker_app (the edge's and worker's role)."""
        params = psycopg.conninfo.conninfo_to_dict(owner_url)
        params.update(user="booker_app", password="booker_app")
        return make_conninfo(**params)  # type: ignore[arg-type]


def raise_fd_limit(need: int) -> None:
    """Raise this process's open-file limit (inherited by the edge it starts) to `need`."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < need:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(need, hard), hard))


@asynccontextmanager
async def edge_process(database_url: str, extra_env: dict[str, str] | None = None) -> AsyncIterator[str]:
    """`booker serve` as its own process on a free loopback port; yields its base URL once
    /ready answers 200, and stops the process on exit."""
    port = free_port()
    # every simulated client comes from 127.0.0.1: the per-address abuse limits would refuse them
    env = {**os.environ, "DATABASE_URL": database_url, "BOOKER_ENV": "development",
           "BOOKER_RATE_LIMITS": "false",
           "BOOKER_LOG_LEVEL": "warning", "BOOKER_HOST": "127.0.0.1", "BOOKER_PORT": str(port),
           # every simulated client comes from 127.0.0.1: lift the per-address caps
           "BOOKER_MAX_CONNECTIONS_PER_CLIENT": "1000000", "BOOKER_MAX_LIVE_PER_CLIENT": "1000000",
           **(extra_env or {})}
    booker = str(Path(sys.executable).with_name("booker"))
    edge = await asyncio.create_subprocess_exec(
        booker, "serve", "--host", "127.0.0.1", "--port", str(port), env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        await _wait_ready(base)
        yield base
    finally:
        edge.terminate()
        try:
            await asyncio.wait_for(edge.wait(), 15)
        except TimeoutError:
            edge.kill()
            await edge.wait()


async def _wait_ready(base: str) -> None:
    deadline = time.monotonic() + 30
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                async with session.get(f"{base}/ready") as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the edge did not become ready within 30 s")
            await asyncio.sleep(0.2)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


class Timer:
    def __enter__(self) -> Timer:
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.elapsed = time.perf_counter() - self.start


def make_context() -> BenchContext:
    root = Path(tempfile.mkdtemp(prefix="booker-bench-"))
    ctx = BenchContext(root)
    ctx.start()
    return ctx


def cleanup(ctx: BenchContext) -> None:
    ctx.stop()
    if not os.environ.get("BENCH_KEEP"):
        shutil.rmtree(ctx.root, ignore_errors=True)
