"""`booker up` on a fresh machine: embedded cluster, migrations, demo data, edge, worker and
mail sink as real processes; a guest books over HTTP, the confirmation lands in the sink's
folder, SIGTERM leaves nothing running, and a second start still has the booking."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.ops.conftest import BOOKER, clean_env, free_port, port_free, processes_with_env

pytestmark = pytest.mark.slow
START_TIMEOUT = 180.0


def http(method: str, url: str, body: Any = None, headers: dict[str, str] | None = None
         ) -> tuple[int, Any, dict[str, str]]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            raw = resp.read()
            status, hdrs = resp.status, dict(resp.headers)
    except urllib.error.HTTPError as exc:
        raw, status, hdrs = exc.read(), exc.code, dict(exc.headers)
    text = raw.decode()
    try:
        return status, json.loads(text), hdrs
    except ValueError:
        return status, text, hdrs


class Up:
    """One `booker up` subprocess in a directory, with its output in a file."""

    def __init__(self, workdir: Path, env: dict[str, str], name: str,
                 options: list[str] | None = None) -> None:
        self.log = workdir / f"{name}.log"
        self.out = self.log.open("wb")
        self.process = subprocess.Popen([*BOOKER, "up", *(options or [])], cwd=workdir, env=env,
                                        stdout=self.out, stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{env['BOOKER_PORT']}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_running(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"booker up exited early:\n{self.output()}"
            if "Press Ctrl-C to stop." in self.output():
                status, _, _ = http("GET", f"{self.base}/ready")
                assert status == 200
                return
            time.sleep(0.3)
        raise AssertionError(f"booker up did not come up in {START_TIMEOUT} s:\n{self.output()}")

    def terminate(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=60)
        finally:
            self.out.close()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.out.close()


def first_available_slot(base: str, slug: str) -> str:
    now = dt.datetime.now(dt.UTC)
    query = f"from={(now + dt.timedelta(hours=3)).isoformat()}&to={(now + dt.timedelta(days=14)).isoformat()}"
    status, body, _ = http("GET", f"{base}/api/v1/services/{slug}/slots?{query.replace('+', '%2B')}")
    assert status == 200, body
    free = [s for s in body["slots"] if s["status"] == "available"]
    assert free, f"no available {slug} slot in the next two weeks"
    return str(free[0]["starts_at"])


def find_email(mail_dir: Path, reference: str, timeout: float = 60.0) -> email.message.EmailMessage:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(mail_dir.glob("*.eml")):
            msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            assert isinstance(msg, email.message.EmailMessage)
            texts = [str(msg["Subject"])] + [
                part.get_content() for part in msg.walk() if part.get_content_type() == "text/plain"]
            if any(reference in t for t in texts):
                return msg
        time.sleep(0.3)
    found = sorted(p.name for p in mail_dir.glob("*"))
    raise AssertionError(f"no email mentioning {reference} in {mail_dir} after {timeout} s: {found}")


def assert_all_stopped(marker: str, ports: dict[str, int]) -> None:
    """No process of the run is left (edge, worker, sink, postgres) and every port is free again."""
    deadline = time.monotonic() + 10
    while processes_with_env(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_with_env(marker) == []
    for name, port in ports.items():
        assert port_free(port), f"{name} {port} still taken"


def test_up_books_sends_mail_stops_cleanly_and_keeps_data(tmp_path: Path) -> None:
    var = tmp_path / "var"
    ports = {"BOOKER_PORT": free_port(), "BOOKER_PG_PORT": free_port(), "SMTP_PORT": free_port()}
    env = clean_env(BOOKER_VAR=str(var), **{k: str(v) for k, v in ports.items()})
    marker = f"BOOKER_VAR={var}"

    up = Up(tmp_path, env, "first")
    try:
        up.wait_running()
        out = up.output()
        assert f"http://127.0.0.1:{ports['BOOKER_PORT']}/" in out
        assert "admin@example.com / admin-demo-2026" in out
        assert str(var / "mail") in out

        starts_at = first_available_slot(up.base, "meeting-room")
        status, booking, _ = http("POST", f"{up.base}/api/v1/bookings", {
            "service": "meeting-room", "starts_at": starts_at,
            "attendee": {"name": "Grace Guest", "email": "grace@example.com"}})
        assert status == 201, booking
        msg = find_email(var / "mail", booking["reference"])
        assert "grace@example.com" in str(msg["To"])

        _, metrics, _ = http("GET", f"{up.base}/metrics")
        assert "booker_bookings_created_total 1" in metrics.splitlines()

        state = json.loads((var / "run" / "up.json").read_text())
        started = [up.process.pid, *state["children"].values(), state["postgres"]]
        assert {p for p, _ in processes_with_env(marker)} >= set(started)

        assert up.terminate() == 0, up.output()
    finally:
        up.kill()

    assert "booker: stopped" in up.output()
    assert_all_stopped(marker, ports)

    # A second start reuses the cluster and its data: the guest's booking is still there.
    again = Up(tmp_path, env, "second")
    try:
        again.wait_running()
        assert "demo data loaded" not in again.output()
        status, body, _ = http("GET", f"{again.base}/api/v1/bookings/{booking['id']}",
                               headers={"X-Manage-Token": booking["manage_token"]})
        assert status == 200, body
        assert body["reference"] == booking["reference"]
        assert body["starts_at"] == booking["starts_at"]

        assert again.terminate() == 0, again.output()
    finally:
        again.kill()
    assert_all_stopped(marker, ports)
