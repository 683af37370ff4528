"""Property-based tests of every API endpoint from the API's own OpenAPI document (Schemathesis), for
each role: whatever parameters the document allows, no endpoint fails on the server, answers a status
code or content type it does not declare, or a body that does not fit its schema.

Bounded so the suite stays fast: a few examples per operation and role, no deadline, derandomised (run
with more examples and `derandomize=False` by hand to explore further; that is how the NUL and the
overflow it guards against were found)."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import ROLES, make_token

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 3


def _run(operation, headers: dict) -> int:
    ran = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,  # the same examples every run: CI is not flaky, and a failure reproduces
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def check(case):
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)
        ran.append(response.status_code)

    check()
    return len(ran)


def test_every_endpoint_for_every_role(app, session, seeded):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    tokens = {role: make_token(app, session, email) for role, email in ROLES.items()}
    # The WSGI test client does not undo Flask-Compress's gzip: ask for plain bodies.
    plain = {"Accept-Encoding": "identity"}
    callers = {"anonymous": plain} | {role: plain | {"Authorization": f"Bearer {t}"} for role, t in tokens.items()}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    calls = 0
    for operation in operations:
        for headers in callers.values():
            calls += _run(operation, headers)
    assert calls >= len(operations) * len(callers)
