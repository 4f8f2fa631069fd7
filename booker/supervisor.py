"""What `booker up` needs to supervise its children and to leave nothing behind.

* Every child gets PR_SET_PDEATHSIG (SIGTERM when `up` dies, however it dies) and checks,
  right after the fork, that `up` is still its parent.
* A watchdog (`python -m booker.supervisor WATCH`, its own small process) watches `up`'s
  pid; when `up` is gone without having stopped it, the watchdog stops what `up` had
  started (var/run/up.json): each child's process group (SIGTERM, then SIGKILL after a few
  seconds) and the embedded PostgreSQL, which pg_ctl started as a daemon, so no
  parent-death signal reaches it.
* var/run/status.json says which part is up, restarting or down, and how often it was
  restarted; the edge shows it on /ready and /metrics.
* A new `up` finds what an earlier one left (up.json) and stops it, or says what to do.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PR_SET_PDEATHSIG = 1
STOP_GRACE = 5.0  # seconds a leftover child gets between SIGTERM and SIGKILL
_libc: Any = None


def run_dir(var_dir: str | Path) -> Path:
    return Path(var_dir) / "run"


def die_with_parent(sig: int = signal.SIGTERM) -> Callable[[], None]:
    """A preexec_fn: the child gets `sig` when this process dies, and exits at once if it
    already has (the parent died between fork and prctl)."""
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)  # loaded before the fork, not in the child
    parent = os.getpid()

    def preexec() -> None:
        _libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
        if os.getppid() != parent:
            os._exit(1)

    return preexec


def alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is dead for our purposes
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_group(pgid: int, grace: float = STOP_GRACE) -> None:
    """SIGTERM to a process group, SIGKILL to what is left of it after `grace` seconds."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGTERM)
    end = time.monotonic() + grace
    while group_alive(pgid) and time.monotonic() < end:
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def write_json(path: Path, value: dict[str, Any]) -> None:
    """Atomically: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(value, indent=2) + "\n")
    os.replace(tmp, path)


def read_json(path: Path) -> dict[str, Any] | None:
    try:
        value = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def read_status(var_dir: str | Path) -> dict[str, dict[str, Any]] | None:
    """The parts of a running `booker up` (name -> {"up", "pid", "restarts", "last_exit"}), or
    None when no live `up` wrote var/run/status.json (the edge runs on its own)."""
    status = read_json(run_dir(var_dir) / "status.json")
    if not status or not alive(status.get("supervisor")):
        return None
    parts = status.get("parts")
    return parts if isinstance(parts, dict) else None


def _is_booker_up(pid: int) -> bool:
    try:
        cmd = (Path("/proc") / str(pid) / "cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"up" in cmd and any(b"booker" in part for part in cmd)


def _stop_postgres(pgdata: Path) -> None:
    from booker.cluster import pg_bindir

    if not (pgdata / "postmaster.pid").exists():
        return
    with contextlib.suppress(OSError, RuntimeError, subprocess.SubprocessError):
        subprocess.run([str(pg_bindir() / "pg_ctl"), "-D", str(pgdata), "-m", "fast", "-w", "-t", "20",
                        "stop"], capture_output=True, check=False, timeout=30)


def stop_leftovers(var_dir: str | Path, say: Callable[[str], None]) -> None:
    """Before a new `up` starts: stop what an earlier `up` with this var/ left running (its
    children, its watchdog's clean-up, not its database: the new `up` reuses a running
    cluster). Raises RuntimeError, saying what to do, when that `up` is still alive."""
    state = read_json(run_dir(var_dir) / "up.json")
    if not state:
        return
    pid = state.get("pid")
    if isinstance(pid, int) and pid != os.getpid() and alive(pid) and _is_booker_up(pid):
        raise RuntimeError(f"another `booker up` (pid {pid}) is running with {var_dir}; stop it first "
                           f"(Ctrl-C in its terminal, or `kill {pid}`)")
    watchdog = state.get("watchdog")
    if isinstance(watchdog, int) and alive(watchdog):  # it is stopping the rest right now
        end = time.monotonic() + 30
        while alive(watchdog) and time.monotonic() < end:
            time.sleep(0.1)
    for name, child in (state.get("children") or {}).items():
        if isinstance(child, int) and group_alive(child):
            say(f"stopping the {name} (pid {child}) left running by an earlier `booker up`")
            stop_group(child)


def watch(up_pid: int, var_dir: str, keep_db: bool) -> int:
    """The watchdog's life: wait while `up` lives; if `up` stops it (SIGTERM while still its
    parent), exit; if `up` dies, stop the children and the embedded cluster up.json names."""
    orphaned = False

    def on_term(_signum: int, _frame: object) -> None:
        nonlocal orphaned
        if os.getppid() == up_pid:
            os._exit(0)  # `up` is shutting down cleanly and stops everything itself
        orphaned = True

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    while not orphaned and os.getppid() == up_pid:
        time.sleep(0.2)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    print(f"booker: `booker up` (pid {up_pid}) is gone; stopping what it started", file=sys.stderr,
          flush=True)
    state = read_json(run_dir(var_dir) / "up.json") or {}
    for child in (state.get("children") or {}).values():
        if isinstance(child, int):
            stop_group(child)
    if not keep_db:
        _stop_postgres(Path(var_dir) / "standby" / "pgdata")  # `up --replica`
    if state.get("postgres") and not keep_db:
        _stop_postgres(Path(var_dir) / "pgdata")
    with contextlib.suppress(OSError):
        (run_dir(var_dir) / "status.json").unlink()
    return 0


def spawn_watchdog(var_dir: str, keep_db: bool) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "booker.supervisor", str(os.getpid()), var_dir]
    return subprocess.Popen(args + (["--keep-db"] if keep_db else []), stdin=subprocess.DEVNULL,
                            start_new_session=True, preexec_fn=die_with_parent())


if __name__ == "__main__":
    sys.exit(watch(int(sys.argv[1]), sys.argv[2], "--keep-db" in sys.argv[3:]))
