"""Schemathesis over the whole open data API (/api/v1/openapi.json): no server errors.

Every operation in the schema gets generated requests, valid ones and invalid ones, sent
straight to the ASGI app on a database with demo data. A few examples per operation keep
the suite quick; `HYPOTHESIS_PROFILE=explore` runs many more.

(Schemathesis' own pytest integration, `schema.parametrize()` with a lazy fixture, does
not work with pytest 9 in schemathesis 4.32, so each operation's strategy is driven here
with Hypothesis' `@given`.)
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok

OPENAPI = "/api/v1/openapi.json"
EXAMPLES = 12


def test_api_never_answers_with_a_server_error(demo_app: FastAPI) -> None:
    schema = schemathesis.openapi.from_asgi(OPENAPI, demo_app)
    operations = []
    failures: list[str] = []
    for result in schema.get_all_operations():
        if isinstance(result, Ok):
            operations.append(result.ok())
        else:
            failures.append(f"the schema is not valid: {result.err()}")
    statuses: Counter[int] = Counter()
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(
                settings.default, max_examples=EXAMPLES, suppress_health_check=list(HealthCheck)
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def call(case: Any) -> None:
                response = case.call_and_validate(checks=[not_a_server_error])
                statuses[response.status_code] += 1

            try:
                call()
            except Unsatisfiable:
                continue  # nothing in this operation can be made invalid (no parameters)
            except Exception as error:
                failures.append(f"{operation.label} ({mode.value}): {error}")
    print(
        f"\nschemathesis: {len(operations)} operations, {sum(statuses.values())} requests, "
        f"statuses {dict(sorted(statuses.items()))}"
    )
    assert operations, f"{OPENAPI} lists no operations"
    assert not failures, "\n\n".join(failures)
