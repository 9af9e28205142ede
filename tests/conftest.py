"""Shared fixtures: real components started on 127.0.0.1 for the session, stopped after."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.postgres import PostgresServer, running_postgres


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL cluster per test worker; tests create their own databases in it."""
    with running_postgres() as server:
        yield server
