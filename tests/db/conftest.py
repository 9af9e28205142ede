"""Supabase-like and plain PostgreSQL databases with the app's migrations applied: all of them,
or all but the newest (the schema before the advisor fixes)."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.migrate import MIGRATIONS_DIR, migrate
from tests.support.postgres import PostgresServer
from tests.support.supabase_db import create_supabase_database, running_supabase_postgres

ADVISOR_FIX = "20261130120000"  # the migration fixing the advisor findings
_names = itertools.count()


@pytest.fixture(scope="session")
def supabase_server() -> Iterator[PostgresServer]:
    """A cluster with Supabase's roles (superuser supabase_admin; postgres migrates)."""
    with running_supabase_postgres() as server:
        yield server


@pytest.fixture(scope="session")
def before_fix_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The migrations as they were before the advisor fix."""
    target = tmp_path_factory.mktemp("migrations-before-fix")
    for path in MIGRATIONS_DIR.glob("*.sql"):
        if path.name < ADVISOR_FIX:
            shutil.copy(path, target / path.name)
    return target


MakeDb = Callable[[Path], str]


@pytest.fixture
def supabase_db(supabase_server: PostgresServer) -> Iterator[MakeDb]:
    """make(migrations_dir) -> DSN (as postgres) of a fresh Supabase-like database, migrated."""
    created: list[str] = []

    def make(directory: Path = MIGRATIONS_DIR) -> str:
        name = f"sb_{next(_names)}"
        dsn = create_supabase_database(supabase_server, name)
        created.append(name)
        migrate(dsn, directory)
        return dsn

    yield make
    for name in created:
        supabase_server.drop_database(name)


@pytest.fixture
def plain_db(postgres_server: PostgresServer) -> Iterator[MakeDb]:
    """The same on plain PostgreSQL (local development, CI, the restore drill)."""
    created: list[str] = []

    def make(directory: Path = MIGRATIONS_DIR) -> str:
        name = f"plain_{next(_names)}"
        dsn = postgres_server.create_database(name)
        created.append(name)
        migrate(dsn, directory)
        return dsn

    yield make
    for name in created:
        postgres_server.drop_database(name)
