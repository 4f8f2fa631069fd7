"""House rules of db/functions checked on the files: every function declares its
volatility (internal helpers and triggers too), and none that raises is IMMUTABLE (the
planner may evaluate an IMMUTABLE call ahead of time, raising where nothing was asked)."""

from __future__ import annotations

import re

from booker import DB_DIR

FUNCTIONS = sorted((DB_DIR / "functions").glob("*/*.sql"))
VOLATILITY = re.compile(r"\b(IMMUTABLE|STABLE|VOLATILE)\b")


def _functions() -> list[tuple[str, str]]:
    return [(p.name, p.read_text()) for p in FUNCTIONS if "CREATE FUNCTION" in p.read_text()]


def test_every_function_declares_its_volatility() -> None:
    assert len(_functions()) > 50
    assert [name for name, text in _functions() if not VOLATILITY.search(text)] == []


def test_no_raising_function_is_immutable() -> None:
    raising = re.compile(r"RAISE EXCEPTION|internal\.(fail_|check_|require_)")
    assert [name for name, text in _functions()
            if re.search(r"LANGUAGE \w+ IMMUTABLE", text) and raising.search(text)] == []
