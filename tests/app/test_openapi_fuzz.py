"""Schemathesis drives every documented operation with generated input against a live server:
never a 5xx, and every documented response matches its schema. Bounded per operation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from app.main import create_app
from app.settings import Settings
from tests.app import seed
from tests.app.conftest import app_settings
from tests.app.identity import Identity
from tests.app.serving import serving

EXAMPLES_PER_OPERATION = 40

_SCHEMA = schemathesis.openapi.from_dict(
    create_app(
        Settings(
            database_url="postgresql://unused@127.0.0.1/x", jwt_issuer="http://127.0.0.1/auth/v1"
        )
    ).openapi()
)
OPERATIONS = {op.ok().label: op.ok() for op in _SCHEMA.get_all_operations()}


@pytest.fixture(scope="module")
def live(module_dsn: str, identity: Identity) -> Iterator[tuple[str, requests.Session]]:
    org = seed.organization(module_dsn, "Fuzz Centre")
    admin = seed.member(module_dsn, org, "admin")
    seed.student(module_dsn, org, "Fuzzy", "Target")
    app = create_app(app_settings(module_dsn, identity, rate_limit_writes_per_minute=100_000))
    with serving(app) as url, requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {identity.token(admin.user_id)}"
        yield url, session


def test_every_operation_is_covered() -> None:
    assert len(OPERATIONS) >= 15, sorted(OPERATIONS)


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_no_server_errors(label: str, live: tuple[str, requests.Session]) -> None:
    url, session = live
    operation = OPERATIONS[label]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def check(case: Any) -> None:
        response = case.call(base_url=url, session=session, timeout=10)
        case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

    check()
