"""The REST API against its own OpenAPI schema, with generated requests (schemathesis): no 5xx
and every reply as documented (status codes, content types, bodies, headers), signed in as a
learner (issue #13).

schemathesis' pytest plugin does not run under pytest 9 (it reads a private attribute pytest
dropped), so the operations are walked here, each with its own Hypothesis run, and every
failure is collected before the test reports them all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from pmpath.app import Pmpath
from pmpath.settings import Settings
from pmpath.web.app import create_app

PASSWORD = "correct-horse-battery"
EXAMPLES_PER_OPERATION = 50

#: Checks an operation cannot pass, and why. A self-assessment's target role must be reachable
#: from where its ratings place the learner, and an answer's shape depends on its question's
#: type: no schema can say either, so a schema-valid body can still be refused with 422
#: naming what is wrong. Nor can it say what makes a valid ladder file (an organisation's
#: uploaded framework YAML).
EXCUSED = {
    label: [positive_data_acceptance]
    for label in (
        "POST /api/v1/assessments",
        "POST /api/v1/organisations/{organisation_id}/ladder",
        "PUT /api/v1/attempts/{attempt_id}/answers/{position}",
        "PUT /api/v1/placement/{attempt_id}/answer",
        "POST /api/v1/review/{item_id}",
    )
}


def test_the_api_keeps_its_schema(tmp_path: Path) -> None:
    context = Pmpath(Settings(database_url=f"sqlite:///{tmp_path / 'pmpath.db'}"))
    user = context.accounts.sign_up("ana@example.org", "Ana", PASSWORD)
    token = context.accounts.create_token(user, "schemathesis").token
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(pmpath=context))
    failures: dict[str, str] = {}
    tried = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        tried += 1
        excused = EXCUSED.get(operation.label, [])

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,  # the same cases on every run: CI stays reproducible
            suppress_health_check=list(HealthCheck),
        )
        def keeps_the_schema(case: Any) -> None:
            case.call_and_validate(
                headers={"Authorization": f"Bearer {token}"},
                excluded_checks=excused,  # noqa: B023 - used within this iteration only
            )

        try:
            keeps_the_schema()
        except (Exception, BaseExceptionGroup) as failure:  # try all; report every failure
            failures[operation.label] = str(failure)[:2000]
    context.database.dispose()
    assert tried >= 30
    assert not failures, "\n\n".join(f"{label}:\n{why}" for label, why in failures.items())
