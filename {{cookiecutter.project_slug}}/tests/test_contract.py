"""Generated requests to every operation: never a 5xx, and every answer matches the schema.

Schemathesis makes the requests from the OpenAPI schema (valid ones and malformed ones); they go
through the same client as the other tests, so each operation's examples share one rolled-back
transaction.
"""

from typing import Any

import schemathesis
from httpx import AsyncClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.generation.case import Case

from app.main import app
from tests.profile import THOROUGH

# Read from the app object itself: nothing is served, and the lifespan does not run at collection.
schema = schemathesis.openapi.from_dict(app.openapi())
# A thorough run adds schemathesis' coverage phase (boundary values and malformed requests built
# from each schema) to the generated ones; building its cases takes about a second.
schema.config.phases.coverage.enabled = THOROUGH
# Strings of every code point but a lone surrogate, as with the default codec ("utf-8"), named by
# category instead: hypothesis finds a codec's characters by encoding all 1.1 million code points,
# about 1.5 s in the first run of each checkout.
schema.config.generation.codec = None
EXAMPLES_PER_OPERATION = 25 if THOROUGH else 5


def as_httpx_request(case: Case[Any]) -> dict[str, Any]:
    """The case as keyword arguments for httpx (schemathesis writes them for requests)."""
    kwargs = case.as_transport_kwargs()
    kwargs.pop("cookies", None)  # the API reads none
    body = kwargs.pop("data", None)
    if isinstance(body, bytes | str):
        kwargs["content"] = body
    elif body is not None:
        kwargs["data"] = body
    return kwargs


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    # One transaction per operation, not per example: rows from earlier examples are fine here.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
async def test_every_operation_answers_within_its_schema(
    case: Case[Any], admin_client: AsyncClient
) -> None:
    response = await admin_client.request(**as_httpx_request(case))

    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
