"""Beyond one machine, on loopback with the real engines: a primary, a synchronous streaming
standby (pg_basebackup -R through a replication slot) and PgBouncer in transaction mode,
started by the classes `booker up --replica --pooler` uses (booker/cluster.py) and torn down
after the module. Each test module gets its own topology (the failover test destroys its
primary). Marked slow; the whole directory stays within seconds per module.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from booker import demo
from booker.cluster import Cluster, Pooler, Standby, make_synchronous
from booker.migrate import migrate
from tests.conftest import _memo_hash
from tests.worker.conftest import free_port, sink  # noqa: F401  (the SMTP sink fixture)

pytestmark = pytest.mark.slow

# Behaviour, not durability, on the test machine: no fsync. A crash of the PostgreSQL process
# (pg_ctl stop -m immediate) loses nothing the OS has, so the failover test still proves what
# synchronous replication guarantees.
FAST = "-c fsync=off -c wal_receiver_status_interval=1s"  # full_page_writes stays on: pg_rewind needs it


@dataclass
class Topology:
    primary: Cluster
    standby: Standby
    pooler: Pooler
    bouncer: subprocess.Popen[bytes] | None = None

    @staticmethod
    def url(port: int, user: str = "booker_app") -> str:
        return f"postgresql://{user}@127.0.0.1:{port}/booker"

    @property
    def primary_url(self) -> str:
        return self.url(self.primary.port)

    @property
    def standby_url(self) -> str:
        return self.url(self.standby.port)

    @property
    def pooler_url(self) -> str:
        return self.url(self.pooler.port)

    @property
    def failover_url(self) -> str:
        """Both servers, the writable one wins: what a deployment's DATABASE_URL looks like."""
        return (f"postgresql://booker_app@127.0.0.1:{self.primary.port},127.0.0.1:{self.standby.port}"
                "/booker?target_session_attrs=read-write&connect_timeout=2")

    def owner(self, port: int) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(self.url(port, "booker"), autocommit=True)

    def wait_replayed(self, timeout: float = 10, source: int | None = None,
                      replica: int | None = None) -> None:
        """Until the standby (`replica`) has replayed everything the primary (`source`) has written."""
        with self.owner(source or self.primary.port) as p:
            row = p.execute("SELECT pg_current_wal_lsn()").fetchone()
        assert row
        deadline = time.monotonic() + timeout
        with self.owner(replica or self.standby.port) as s:
            while not s.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (row[0],)).fetchone()[0]:  # type: ignore[index]
                assert time.monotonic() < deadline, "the standby does not catch up"
                time.sleep(0.02)


def start_topology(root: Path) -> Topology:
    primary = Cluster(root / "primary", free_port())
    primary.start(FAST)
    owner_url = Topology.url(primary.port, "booker")
    migrate(owner_url)
    real_hash = demo.hash_password
    demo.hash_password = _memo_hash  # type: ignore[assignment]
    try:
        demo.load(owner_url)
    finally:
        demo.hash_password = real_hash  # type: ignore[assignment]
    with psycopg.connect(owner_url, autocommit=True) as c:
        c.execute("ALTER ROLE booker_app LOGIN")
    standby = Standby(root / "standby", free_port(), primary_port=primary.port)
    standby.start(FAST)
    make_synchronous(owner_url)
    pooler = Pooler(root / "pgbouncer", free_port(), primary.port)
    topology = Topology(primary, standby, pooler)
    topology.bouncer = subprocess.Popen(pooler.command(), stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while True:
        try:
            psycopg.connect(topology.pooler_url, connect_timeout=1).close()
            break
        except psycopg.OperationalError:
            assert time.monotonic() < deadline, (root / "pgbouncer" / "pgbouncer.log").read_text()
            time.sleep(0.05)
    return topology


def stop_topology(topology: Topology) -> None:
    if topology.bouncer is not None:
        topology.bouncer.terminate()
        try:
            topology.bouncer.wait(5)
        except subprocess.TimeoutExpired:
            topology.bouncer.kill()
    for cluster in (topology.standby, topology.primary):
        if cluster.running():
            cluster._ctl("-m", "immediate", "-w", "stop")


@pytest.fixture(scope="module")
def topology(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Topology]:
    for tool in ("pg_basebackup", "pgbouncer"):
        if not (shutil.which(tool) or Path("/usr/sbin", tool).exists()
                or Path("/usr/lib/postgresql/15/bin", tool).exists()):
            pytest.fail(f"{tool} is missing: run scripts/setup.sh test")
    root = tmp_path_factory.mktemp("scale")
    topology = start_topology(root)
    try:
        yield topology
    finally:
        stop_topology(topology)
