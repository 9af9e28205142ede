"""The app's database and identity fixtures, shared with tests/app. The template database
gets its own name here: pytest instantiates session fixtures per conftest that defines them."""

from __future__ import annotations

import pytest

from app.migrate import migrate
from tests.app.conftest import crm_dsn, identity  # noqa: F401
from tests.support.postgres import PostgresServer


@pytest.fixture(scope="session")
def crm_template(postgres_server: PostgresServer) -> str:
    dsn = postgres_server.create_database("auth_template")
    migrate(dsn)
    return "auth_template"
