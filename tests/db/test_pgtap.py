"""Runs every pgTAP file in db/tests as one pytest item against a fresh database."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from booker import DB_DIR
from booker.cluster import pg_bindir

PGTAP_FILES = sorted((DB_DIR / "tests").glob("*.sql"))


def tap_failures(output: str) -> list[str]:
    """'not ok' lines with their diagnostics, plus a plan mismatch if any."""
    lines = output.splitlines()
    failures: list[str] = []
    for i, line in enumerate(lines):
        if line.startswith("not ok"):
            diag = [d for d in lines[i + 1 : i + 12] if d.startswith("#")]
            failures.append("\n".join([line, *diag]))
    plan = re.search(r"^1\.\.(\d+)", output, re.M)
    ran = len([ln for ln in lines if re.match(r"^(not )?ok \d+", ln)])
    if plan and int(plan.group(1)) != ran:
        failures.append(f"planned {plan.group(1)} tests but ran {ran}")
    if not plan:
        failures.append("no plan: the file did not run to its end")
    return failures


@pytest.mark.parametrize("path", PGTAP_FILES, ids=[p.name for p in PGTAP_FILES])
def test_pgtap_file(path: Path, db_url: str) -> None:
    psql = pg_bindir() / "psql"
    if not psql.exists():
        psql = Path("psql")
    result = subprocess.run(
        [str(psql), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", db_url, "-f", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    failures = tap_failures(result.stdout)
    assert result.returncode == 0 and not failures, (
        f"{path.name}:\n" + "\n".join(failures) + "\n" + output[-4000:]
    )
