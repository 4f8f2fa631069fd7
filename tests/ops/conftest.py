"""Helpers for the operations tests: free ports, a `booker` subprocess environment,
and a scan of /proc for processes that still belong to a `booker up` run."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

from booker import ROOT

BOOKER = [sys.executable, "-m", "booker.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_free(port: int) -> bool:
    """Free for a new server: nothing listens (connections in TIME_WAIT do not count, as for any
    server that sets SO_REUSEADDR, which aiohttp, aiosmtpd and PostgreSQL all do)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def clean_env(**overrides: str) -> dict[str, str]:
    """The environment of a fresh machine: no Booker or SMTP setting except the overrides."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("BOOKER_", "SMTP_", "PG")) and k != "DATABASE_URL"}
    env["PYTHONPATH"] = str(ROOT)
    env.update(overrides)
    return env


def processes_with_env(marker: str) -> list[tuple[int, str]]:
    """(pid, command line) of live processes whose environment contains marker (e.g. BOOKER_VAR=...)."""
    found = []
    needle = marker.encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            if state == "Z":  # exited, waiting for its parent (or init) to reap it
                continue
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError):
            continue
        found.append((int(entry.name), cmd))
    return found
