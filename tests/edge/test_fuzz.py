"""Property-based fuzzing from our own OpenAPI document (schemathesis): every operation,
a few generated requests each, as an admin; no 5xx and no response that breaks the
document. Bounded so it finishes in well under a minute."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

import schemathesis
from aiohttp.test_utils import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from edge.openapi import document
from tests.edge.conftest import Users

MAX_EXAMPLES = 4
SKIP = ("/api/v1/live", "/api/v1/services/{slug}/events", "/api/docs")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _fuzz(base_url: str, headers: dict[str, str], statuses: Counter[int]) -> list[str]:
    schema = schemathesis.openapi.from_dict(document())
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path in SKIP:
            continue

        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        def run(case: Any) -> None:
            response = case.call(base_url=base_url, headers=headers, timeout=15)
            statuses[response.status_code] += 1
            case.validate_response(response, checks=CHECKS)

        try:
            run()
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
