"""Property-based fuzzing from our own OpenAPI document (schemathesis): every operation,
a few generated requests each. Positive: valid requests as an admin; no 5xx and no response
that breaks the document. Negative: requests that break the document, as an admin and as
nobody; no 5xx, problem+json for every 4xx, no row written. Bounded to stay fast."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import psycopg
import schemathesis
from aiohttp.test_utils import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from psycopg import sql
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.generation import GenerationMode

from edge.openapi import document
from tests.edge.conftest import Users

MAX_EXAMPLES = 4
NEGATIVE_EXAMPLES = 4
SKIP = ("/api/v1/live", "/api/v1/services/{slug}/events", "/api/docs")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _fuzz(base_url: str, headers: dict[str, str], statuses: Counter[int],
          mode: GenerationMode = GenerationMode.POSITIVE, examples: int = MAX_EXAMPLES,
          validate: Callable[[Any, Any], None] | None = None) -> list[str]:
    schema = schemathesis.openapi.from_dict(document())
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path in SKIP:
            continue

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        def run(case: Any) -> None:
            response = case.call(base_url=base_url, headers=headers, timeout=15)
            statuses[response.status_code] += 1
            if validate is None:
                case.validate_response(response, checks=CHECKS)
            else:
                validate(case, response)

        try:
            run()
        except Unsatisfiable:  # negative mode: nothing of this operation can break its document
            continue
        except Exception as exc:  # collect every operation's failure, then report them together
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:1500]}")
    return failures


async def test_fuzz_finds_no_server_error_or_schema_violation(client: TestClient[Any, Any],
                                                              users: Users) -> None:
    started = time.monotonic()
    base_url = str(client.make_url("")).rstrip("/")
    statuses: Counter[int] = Counter()
    failures = await asyncio.to_thread(_fuzz, base_url, users.headers("admin"), statuses)
    assert not failures, "\n\n".join(failures)
    print(sorted(statuses.items()))
    assert statuses.total() > 80 and statuses[200] + statuses[201] > 10  # it did reach the API
    assert time.monotonic() - started < 60


def _hostile_answer(case: Any, response: Any) -> None:
    """A request outside the document: never a 5xx; every 4xx is problem+json, a 422 names fields."""
    where = f"{case.method} {case.formatted_path} query={case.query} body={str(case.body)[:300]}"
    assert response.status_code < 500, f"{where} -> {response.status_code} {response.text[:500]}"
    if response.status_code >= 400:
        assert response.headers.get("content-type", [""])[0].startswith("application/problem+json"), where
        problem = response.json()
        assert problem["status"] == response.status_code and problem["type"].startswith("/api/docs#problem-")
        if response.status_code == 422:
            assert isinstance(problem.get("errors"), dict) and problem["errors"], (where, problem)


# Rows a rejected request may leave: failed sign-ins are counted, tokens note their last use.
MAY_CHANGE = {"login_attempts", "api_tokens", "refresh_tokens", "rate_limits"}


def _row_counts(db_url: str) -> dict[str, int]:
    with psycopg.connect(db_url) as c:
        tables = [r[0] for r in c.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'booking' ORDER BY 1")]
        return {t: c.execute(sql.SQL("SELECT count(*) FROM booking.{}").format(sql.Identifier(t))
                             ).fetchone()[0] for t in tables if t not in MAY_CHANGE}  # type: ignore[index]


async def test_hostile_fuzz_gets_problem_json_and_writes_nothing(client: TestClient[Any, Any], users: Users,
                                                                 demo_url: str) -> None:
    """Negative mode: every operation of the document gets values that break its schema (wrong
    types, out-of-range numbers, missing or extra fields, malformed ids), as an admin and as
    nobody. No 5xx, problem+json for every 4xx, and not one row written."""
    started = time.monotonic()
    base_url = str(client.make_url("")).rstrip("/")
    before = _row_counts(demo_url)
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    for headers in (users.headers("admin"), {}):
        failures += await asyncio.to_thread(_fuzz, base_url, headers, statuses, GenerationMode.NEGATIVE,
                                            NEGATIVE_EXAMPLES, _hostile_answer)
    assert not failures, "\n\n".join(failures)
    print(sorted(statuses.items()))
    assert statuses.total() > 150 and not any(s >= 500 for s in statuses)
    assert _row_counts(demo_url) == before
    assert time.monotonic() - started < 180  # a loaded 2-core machine; about 60 s when idle
