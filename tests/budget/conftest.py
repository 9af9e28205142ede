"""A migrated database of its own for the signal tests (tests/app's template fixture is
session-scoped per conftest, so reusing it here would create the template twice)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.migrate import migrate
from tests.app.conftest import identity
from tests.support.postgres import PostgresServer

__all__ = ["identity"]


@pytest.fixture
def crm_dsn(postgres_server: PostgresServer) -> Iterator[str]:
    dsn = postgres_server.create_database("crm_budget_signals")
    migrate(dsn)
    yield dsn
    postgres_server.drop_database("crm_budget_signals")
