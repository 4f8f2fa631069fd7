"""Instructions per api.book_slot call, counted by valgrind (callgrind), not timed.

    python -m bench.instructions [--calls 200] [--db-dir DIR]

A throwaway cluster gets the schema (this checkout's db/, or --db-dir, e.g. an older
checkout's, to compare), a service of 8 rooms open around the clock and a 100,000-seat
one-off session; then a single-user backend (`postgres --single`, so no network and no
other process is measured) books under callgrind: N calls and 20 calls, and the difference
divided by N - 20 is what one booking costs, start-up and warm-up cancelled out. Counts are
deterministic to about 1 %, so a change of a few percent shows on a shared, noisy machine
where timings do not. Modes: `hot` (one seat of the session, the hot sale) and `distinct`
(a named room, a new 15-minute slot each call). Needs valgrind; prints nothing else.
Not part of `make bench` (it takes a minute and measures no throughput).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg

from bench.harness import free_port
from bench.sql import _setup_rooms
from booker import DB_DIR
from booker.cluster import pg_bindir
from booker.migrate import migrate

START = dt.datetime(2030, 1, 7, tzinfo=dt.UTC)  # far enough ahead, within max_advance_days


def _prepare(root: Path, db_dir: Path) -> None:
    bindir = pg_bindir()
    data = root / "data"
    subprocess.run(
        [str(bindir / "initdb"), "-D", str(data), "-U", "bench", "-A", "trust", "--no-instructions"],
        check=True,
        capture_output=True,
    )
    port = free_port()
    subprocess.run(
        [
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(root / "log"),
            "-w",
            "-o",
            f"-p {port} -k {root} -c listen_addresses=127.0.0.1",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        url = f"host=127.0.0.1 port={port} user=bench dbname=postgres"
        migrate(url, db_dir)
        _setup_rooms(url, 8, "rooms8")
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("UPDATE booking.services SET max_advance_days = 5000 WHERE slug = 'rooms8'")
            service = conn.execute(
                "INSERT INTO booking.services (slug, name, duration_minutes, slot_step_minutes, fixed_window,"
                " max_seats_per_booking, max_advance_days) VALUES ('hot-session', 'Hot session', 120, 120,"
                " tstzrange(%s, %s), 1, 5000) RETURNING id",
                (START + dt.timedelta(hours=18), START + dt.timedelta(hours=20)),
            ).fetchone()[0]  # type: ignore[index]
            venue = conn.execute(
                "INSERT INTO booking.resources (slug, name, kind, capacity, timezone)"
                " VALUES ('arena', 'Arena', 'venue', 100000, 'Europe/Berlin') RETURNING id"
            ).fetchone()[0]  # type: ignore[index]
            conn.execute("INSERT INTO booking.service_resources VALUES (%s, %s)", (service, venue))
    finally:
        subprocess.run(
            [str(bindir / "pg_ctl"), "-D", str(data), "-w", "stop"], check=True, capture_output=True
        )


def _script(mode: str, calls: int, offset: int) -> str:
    lines = [
        "PREPARE hot(jsonb) AS SELECT id FROM api.book_slot('hot-session', "
        f"'{(START + dt.timedelta(hours=18)).isoformat()}', $1);",
        "PREPARE dis(timestamptz) AS SELECT id FROM api.book_slot('rooms8', $1,"
        ' \'{"name": "Bench", "email": "b@example.com"}\','
        " p_resource => (SELECT id FROM booking.resources WHERE slug = 'rooms8-0'));",
    ]
    for i in range(offset, offset + calls):
        if mode == "hot":
            lines.append(f'EXECUTE hot(\'{{"name": "Buyer", "email": "b{i}@example.com"}}\');')
        else:
            lines.append(f"EXECUTE dis('{(START + dt.timedelta(days=2, minutes=15 * i)).isoformat()}');")
    return "\n".join(lines) + "\n"


def _count(root: Path, mode: str, calls: int, offset: int) -> int:
    """Instructions of a single-user backend that books `calls` times."""
    result = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={root / 'callgrind.out'}",
            str(pg_bindir() / "postgres"),
            "--single",
            "-D",
            str(root / "data"),
            "postgres",
        ],
        input=_script(mode, calls, offset),
        capture_output=True,
        text=True,
        check=False,
    )
    found = re.search(r"Collected : (\d+)", result.stderr)
    if found is None or "ERROR" in result.stdout:
        raise RuntimeError(f"{mode}: {result.stdout[-800:]} {result.stderr[-800:]}")
    return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.instructions")
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--db-dir", type=Path, default=DB_DIR, help="the db/ directory to measure")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        print("valgrind is not installed", file=sys.stderr)
        return 1
    root = Path(tempfile.mkdtemp(prefix="booker-instructions-"))
    try:
        _prepare(root, args.db_dir)
        offset = 0
        for mode in ("hot", "distinct"):
            few = _count(root, mode, 20, offset)
            many = _count(root, mode, args.calls, offset + 20)
            offset += 20 + args.calls
            per_call = (many - few) / (args.calls - 20)
            print(f"book_slot {mode}: {per_call / 1e6:.2f} M instructions per call")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
