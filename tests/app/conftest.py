"""App fixtures: a migrated template database per test worker, cloned per test module."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import pytest

from app.migrate import migrate
from tests.support.postgres import PostgresServer

_counter = itertools.count()
TEMPLATE = "crm_template"


@pytest.fixture(scope="session")
def crm_template(postgres_server: PostgresServer) -> str:
    """A database with every migration applied, used as a template (cloning takes ~20 ms)."""
    dsn = postgres_server.create_database(TEMPLATE)
    migrate(dsn)
    return TEMPLATE


def fresh_db(server: PostgresServer, template: str) -> tuple[str, str]:
    name = f"crm_{os.getpid()}_{next(_counter)}"
    server.psql("postgres", f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return name, server.dsn(name)


@pytest.fixture
def crm_dsn(postgres_server: PostgresServer, crm_template: str) -> Iterator[str]:
    """A migrated, empty database for one test."""
    name, dsn = fresh_db(postgres_server, crm_template)
    yield dsn
    postgres_server.drop_database(name)


@pytest.fixture(scope="module")
def module_dsn(postgres_server: PostgresServer, crm_template: str) -> Iterator[str]:
    """A migrated database shared by one test module."""
    name, dsn = fresh_db(postgres_server, crm_template)
    yield dsn
    postgres_server.drop_database(name)
