"""`booker up` supervises (issue 9): a child that exits is restarted with backoff and a log
line while the edge and PostgreSQL keep serving; /ready and /metrics say which part is
down; nothing outlives `up`, even after `kill -9`; and a second `up` on the same var/
says what to do instead of failing on a taken port."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.ops.conftest import BOOKER, clean_env, free_port, processes_with_env
from tests.ops.test_up import Up, assert_all_stopped, find_email, first_available_slot, http

pytestmark = pytest.mark.slow


def state(var: Path) -> dict[str, Any]:
    return json.loads((var / "run" / "up.json").read_text())  # type: ignore[no-any-return]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"


def wait_for(check: Any, what: str, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


class Prober(threading.Thread):
    """GET /health every 50 ms; counts the answers that were not 200."""

    def __init__(self, base: str) -> None:
        super().__init__(daemon=True)
        self.base, self.ok, self.failed = base, 0, []  # type: ignore[var-annotated]
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                status, _, _ = http("GET", f"{self.base}/health")
            except OSError as exc:
                status = repr(exc)  # type: ignore[assignment]
            if status == 200:
                self.ok += 1
            else:
                self.failed.append(status)
            time.sleep(0.05)


def setup_run(tmp_path: Path) -> tuple[Path, dict[str, str], dict[str, int], str]:
    var = tmp_path / "var"
    ports = {"BOOKER_PORT": free_port(), "BOOKER_PG_PORT": free_port(), "SMTP_PORT": free_port()}
    env = clean_env(BOOKER_VAR=str(var), **{k: str(v) for k, v in ports.items()})
    return var, env, ports, f"BOOKER_VAR={var}"


def test_up_restarts_a_killed_worker_and_sink_while_the_edge_keeps_answering(tmp_path: Path) -> None:
    var, env, ports, marker = setup_run(tmp_path)
    up = Up(tmp_path, env, "supervised")
    try:
        up.wait_running()
        before = state(var)
        prober = Prober(up.base)
        prober.start()

        os.kill(before["children"]["worker"], signal.SIGKILL)
        wait_for(lambda: "worker exited with code -9; restarting it in 1 s" in up.output(), "the log line")
        _, ready, _ = http("GET", f"{up.base}/ready")  # within the second before the restart
        assert ready["down"] == ["worker"] and ready["status"] == "degraded", ready
        worker = wait_for(lambda: (p := state(var)["children"]["worker"]) != before["children"]["worker"]
                          and alive(p) and p, "a new worker")

        os.kill(before["children"]["mail sink"], signal.SIGTERM)
        wait_for(lambda: "mail sink exited with code" in up.output(), "the sink's log line")
        wait_for(lambda: state(var)["children"]["mail sink"] != before["children"]["mail sink"], "a new sink")
        wait_for(lambda: http("GET", f"{up.base}/ready")[1].get("down") == [], "everything up again")

        after = state(var)
        assert after["children"]["edge"] == before["children"]["edge"]
        assert after["postgres"] == before["postgres"]
        assert after["children"]["worker"] == worker
        _, ready, _ = http("GET", f"{up.base}/ready")
        assert ready["status"] == "ok" and ready["parts"]["worker"]["restarts"] == 1, ready
        _, metrics, _ = http("GET", f"{up.base}/metrics")
        assert 'booker_part_restarts{part="worker"} 1' in metrics.splitlines()
        assert 'booker_part_up{part="mail sink"} 1' in metrics.splitlines()

        # the restarted worker and sink deliver
        starts_at = first_available_slot(up.base, "meeting-room")
        status, booking, _ = http("POST", f"{up.base}/api/v1/bookings", {
            "service": "meeting-room", "starts_at": starts_at,
            "attendee": {"name": "Grace Guest", "email": "grace@example.com"}})
        assert status == 201, booking
        find_email(var / "mail", booking["reference"])

        prober.stopping.set()
        prober.join()
        assert prober.failed == [] and prober.ok > 20  # the edge answered throughout

        # a second `up` on the same var/ says what to do
        second = subprocess.run([*BOOKER, "up"], cwd=tmp_path, env=env, capture_output=True, text=True,
                                timeout=60)
        assert second.returncode == 1
        assert f"another `booker up` (pid {up.process.pid}) is running" in second.stderr
        assert up.terminate() == 0, up.output()
    finally:
        up.kill()
    assert_all_stopped(marker, ports)


def test_nothing_outlives_a_killed_up_and_up_starts_again(tmp_path: Path) -> None:
    var, env, ports, marker = setup_run(tmp_path)
    up = Up(tmp_path, env, "killed")
    try:
        up.wait_running()
        started = state(var)
        assert alive(started["watchdog"]) and alive(started["postgres"])
        up.process.kill()  # kill -9: no clean-up of its own
        up.process.wait()
    finally:
        up.kill()
    deadline = time.monotonic() + 15
    while processes_with_env(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_with_env(marker) == [], up.output()
    assert_all_stopped(marker, ports)
    assert "is gone; stopping what it started" in up.output()

    again = Up(tmp_path, env, "again")
    try:
        again.wait_running()
        assert again.terminate() == 0, again.output()
    finally:
        again.kill()
    assert_all_stopped(marker, ports)
