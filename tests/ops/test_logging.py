"""Structured logs: `booker serve` writes JSON lines when stderr is not a terminal, and each
request's log line carries the request id its response carries."""

from __future__ import annotations

import io
import json
import logging
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from booker.logging import configure_logging, new_request_id, request_id
from booker.settings import Settings
from tests.ops.conftest import BOOKER, clean_env, free_port


def get(url: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as resp:
            return resp.status, dict(resp.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers)


def test_serve_logs_json_lines_with_request_ids(app_db_url: str, tmp_path: Path) -> None:
    port = free_port()
    with (tmp_path / "stderr").open("w+b") as errors:  # the child holds its own copy
        proc = subprocess.Popen([*BOOKER, "serve"], cwd=tmp_path, stderr=errors, stdout=subprocess.DEVNULL,
                                env=clean_env(DATABASE_URL=app_db_url, BOOKER_PORT=str(port)))
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, headers = get(f"http://127.0.0.1:{port}/api/v1/nope", {"X-Request-Id": "trace-42"})
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "booker serve did not start"
                time.sleep(0.2)
        assert status == 404 and headers["X-Request-Id"] == "trace-42"
        _, headers = get(f"http://127.0.0.1:{port}/health", {})
        generated = headers["X-Request-Id"]
        check = subprocess.run([*BOOKER, "healthcheck", "edge"], cwd=tmp_path, capture_output=True, text=True,
                               env=clean_env(BOOKER_PORT=str(port)), timeout=30, check=False)
        assert check.returncode == 0, check.stderr  # what the container health check runs
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    lines = (tmp_path / "stderr").read_text().splitlines()
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    access = {r["request_id"]: r for r in records if r["logger"] == "aiohttp.access"}
    assert access["trace-42"]["path"] == "/api/v1/nope" and access["trace-42"]["status"] == 404
    assert access[generated]["path"] == "/health" and len(generated) >= 16
    assert all(r["component"] == "edge" and r["level"] and r["ts"] for r in records)


def test_text_at_a_terminal_and_extra_fields() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Tty()
    configure_logging(Settings(log_format="auto"), "worker", stream)
    token = request_id.set("r-1")
    try:
        logging.getLogger("booker.test").warning("sent %d", 3, extra={"booking": "BK-1"})
    finally:
        request_id.reset(token)
        logging.getLogger().handlers.clear()
    line = stream.getvalue().strip()
    assert "warning" in line and "sent 3" in line and "[r-1]" in line and "booking=BK-1" in line
    assert not line.startswith("{")


def test_request_ids_are_kept_only_when_sane() -> None:
    assert new_request_id("abc-123") == "abc-123"
    assert new_request_id("x" * 65) != "x" * 65
    assert new_request_id("bad\nid") != "bad\nid"
    assert len(new_request_id(None)) == 16
