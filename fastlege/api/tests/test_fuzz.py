"""The whole API fuzzed from its own OpenAPI description (schemathesis): no answer is a
server error, and every answer conforms to the description — status, content type
and body. Runs in-process against the WSGI application on the test database."""

from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
from django.core.cache import caches
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from fastlege.accounts.models import Role
from fastlege.api.services.clients import register_client
from fastlege.registry.tests.factories import gp_list, user_with

# The description as /api/v1/schema/ serves it, generated from the code.
_spec = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(public=True)))
schema = schemathesis.openapi.from_dict(_spec)
schema.app = get_wsgi_application()


@pytest.fixture
def keep_test_connection() -> Any:
    """As Django's test client does: a request must not close the test's database
    connection (its transaction holds the test data). schemathesis' WSGI client fires
    the request signals that would (seen on PostgreSQL: "the connection is closed")."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def national_token(db: Any, settings: Any, keep_test_connection: Any) -> str:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]  # schemathesis' WSGI host
    caches["security"].clear()
    gp_list(ceiling=5, members=3)
    issued = register_client(
        user_with(Role.NATIONAL), name="Fuzz", role=Role.NATIONAL, rate_per_minute=100_000
    )
    return issued.secret


@schema.parametrize()
@hypothesis_settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_answer_is_a_server_error_and_every_answer_matches_the_description(
    case: Any, national_token: str
) -> None:
    # Not checked: that every schema-valid request is accepted (positive_data_acceptance).
    # The API is stricter than JSON Schema can say — identity numbers' check digits, signed
    # page cursors, dates within the registry's range — and refuses those with a problem.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {national_token}"},
        excluded_checks=[positive_data_acceptance],
    )
