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

    def start(self) -> None:
        self.init()
        if self.running():
            return
        if not _port_free(self.port):
            raise RuntimeError(f"port {self.port} is taken; set BOOKER_PG_PORT to another port")
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        opts = (
            f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 "
            "-c max_connections=300 -c shared_buffers=256MB"
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
