"""Connection limits of a real `booker serve` process (its own open-files limit, its own
accept loop): one client address cannot exhaust the edge for another.

The "other client" connects from 127.0.0.2 (all of 127.0.0.0/8 is loopback), so the
per-address caps that stop 127.0.0.1 do not apply to it. Every loop is bounded.
"""

from __future__ import annotations

import contextlib
import os
import re
import resource
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

OTHER = "127.0.0.2"
BOOKER = str(Path(sys.executable).with_name("booker"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _raise_own_limit(need: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < need:
        if hard != resource.RLIM_INFINITY and hard < need + 100:
            pytest.skip(f"needs {need} open files; the hard limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (need + 100, hard))


def request(path: str, port: int, source: str = OTHER, timeout: float = 5.0,
            extra: bytes = b"") -> tuple[int, bytes]:
    """One HTTP/1.1 request from `source`; (status, raw response)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0)) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n".encode()
                  + extra + b"\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return int(data.split(b" ", 2)[1]), data


@contextlib.contextmanager
def edge(app_db_url: str, env: dict[str, str] | None = None,
         preexec: Callable[[], None] | None = None) -> Iterator[tuple[int, subprocess.Popen[bytes], Path]]:
    """`booker serve` on a free port; yields (port, process, its stderr file) once /health answers."""
    port = _free_port()
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"booker-edge-{port}.log"
    full_env = {**os.environ, "DATABASE_URL": app_db_url, "BOOKER_ENV": "test",
                "BOOKER_SECRET": "limits-test-secret-0123456789-0123456789", "BOOKER_LOG_FORMAT": "text",
                "BOOKER_LOG_LEVEL": "warning", **(env or {})}
    with log.open("wb") as err:
        proc = subprocess.Popen([BOOKER, "serve", "--host", "127.0.0.1", "--port", str(port)], env=full_env,
                                stdout=subprocess.DEVNULL, stderr=err, preexec_fn=preexec or _user_default)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if request("/health", port, timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the edge did not start within 30 s"
            time.sleep(0.1)
        yield port, proc, log
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.unlink(missing_ok=True)


def _user_default() -> None:
    """Start the edge with the usual soft limit (1,024), not the one this test raised for itself."""
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    soft = 1024 if hard == resource.RLIM_INFINITY else min(1024, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def _open_many(port: int, count: int, payload: bytes) -> list[socket.socket]:
    socks = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(payload)
        socks.append(s)
    return socks


def _status(s: socket.socket, timeout: float = 5.0) -> int | None:
    """The status of the first response on `s`, or None when it was closed without one."""
    s.settimeout(timeout)
    data = b""
    try:
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    except (ConnectionResetError, TimeoutError):
        pass
    m = re.match(rb"HTTP/1\.1 (\d{3})", data)
    return int(m.group(1)) if m else None


def _nofile(pid: int) -> int:
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max open files"):
            return int(line.split()[3])
    raise AssertionError("no open-files line")


def test_half_open_connections_leave_ready_answering(app_db_url: str) -> None:
    _raise_own_limit(1300)
    with edge(app_db_url, {"BOOKER_HEADER_TIMEOUT": "3"}) as (port, proc, _log):
        socks = _open_many(port, 1100, b"GET /ready HTTP/1.1\r\nHost: x\r\nX-Half: ")
        try:
            started = time.monotonic()
            status, body = request("/ready", port, timeout=5)
            took = time.monotonic() - started
            assert status == 200 and took < 1.0, (status, took, body[-300:])
            # beyond the per-address cap (256) connections are refused at once with a 429 ...
            refused = [_status(s, 2) for s in socks[300:]]
            assert Counter(refused) == {429: 800}, Counter(refused)
            # ... and those within it are closed when the header deadline passes
            time.sleep(3.5)
            held = Counter(_status(s, 2) for s in socks[:256])
            assert held == {None: 256}, held
            assert request("/ready", port, source="127.0.0.1")[0] == 200  # the address may connect again
            hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
            assert _nofile(proc.pid) == hard  # raised from 1,024 to the hard limit at start-up
        finally:
            for s in socks:
                s.close()


def test_websockets_from_one_address_leave_health_answering(app_db_url: str) -> None:
    _raise_own_limit(2200)
    upgrade = (b"GET /api/v1/live HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
    with edge(app_db_url) as (port, _proc, _log):
        socks = _open_many(port, 2000, upgrade)
        try:
            statuses = Counter(_status(s) for s in socks)
            # 128 WebSockets per address; more get a 429 (on a kept connection up to 256, then refused)
            assert statuses == {101: 128, 429: 1872}, statuses
            started = time.monotonic()
            assert request("/health", port)[0] == 200
            assert time.monotonic() - started < 1.0
            other = _open_many_from(port, upgrade)
            assert _status(other) == 101  # another address has its own allowance
            other.close()
        finally:
            for s in socks:
                s.close()


def _open_many_from(port: int, payload: bytes) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(OTHER, 0))
    s.sendall(payload)
    return s


def _low_nofile() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (120, 120))


def test_ready_under_file_handle_exhaustion_is_503(app_db_url: str) -> None:
    """With every file handle taken, /ready says 503 (never 500) and the accept error is logged
    at most about once a second; once the handles are free again, it is ready again."""
    env = {"BOOKER_MAX_CONNECTIONS_PER_CLIENT": "100000", "BOOKER_HEADER_TIMEOUT": "60",
           "BOOKER_KEEPALIVE_TIMEOUT": "60"}
    with edge(app_db_url, env, preexec=_low_nofile) as (port, proc, log):
        assert _nofile(proc.pid) == 120
        first = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(OTHER, 0))
        time.sleep(0.3)  # accepted while handles are left
        started = time.monotonic()
        socks = _open_many(port, 200, b"")
        try:
            time.sleep(2.0)
            first.sendall(b"GET /ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            data = b""
            while chunk := first.recv(65536):
                data += chunk
            assert data.startswith(b"HTTP/1.1 503"), data
            assert b"too many open files" in data.lower(), data
            elapsed = time.monotonic() - started
            logged = log.read_text().count("socket.accept() out of system resource")
            assert 1 <= logged <= elapsed + 2, (logged, elapsed)
        finally:
            first.close()
            for s in socks:
                s.close()
        deadline = time.monotonic() + 10
        while request("/ready", port, timeout=5)[0] != 200:
            assert time.monotonic() < deadline, "not ready again within 10 s"
            time.sleep(0.2)
