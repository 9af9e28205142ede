"""The migration runner against a real PostgreSQL: order, once, transactions, refusals."""

from __future__ import annotations

import shutil
from pathlib import Path

import psycopg
import pytest

from app.migrate import MIGRATIONS_DIR, MigrationError, load_migrations, main, migrate, status
from tests.support.postgres import PostgresServer


@pytest.fixture
def empty_db(postgres_server: PostgresServer, request: pytest.FixtureRequest):
    name = f"mig_{request.node.name}".lower()[:60]
    dsn = postgres_server.create_database(name)
    yield dsn
    postgres_server.drop_database(name)


@pytest.fixture
def files(tmp_path: Path) -> Path:
    target = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, target)
    return target


def test_from_empty_applies_all_in_order_then_nothing(empty_db: str) -> None:
    applied = migrate(empty_db)
    assert [m.version for m in applied] == [m.version for m in load_migrations()]
    assert migrate(empty_db) == []
    with psycopg.connect(empty_db) as conn:
        ok, reason = status(conn)
        rows = conn.execute("SELECT version FROM crm_migrations.applied ORDER BY 1").fetchall()
    assert ok, reason
    assert [r[0] for r in rows] == [m.version for m in applied]


def test_every_public_table_has_row_level_security(empty_db: str) -> None:
    migrate(empty_db)
    with psycopg.connect(empty_db) as conn:
        rows = conn.execute(
            "SELECT c.relname, c.relrowsecurity FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r'"
        ).fetchall()
    assert {name for name, _ in rows} >= {
        "organizations",
        "staff",
        "students",
        "applications",
        "notes",
        "reminders",
    }
    assert all(rls for _, rls in rows), rows


def test_refuses_a_file_edited_after_it_was_applied(empty_db: str, files: Path) -> None:
    migrate(empty_db, files)
    target = sorted(files.glob("*.sql"))[1]
    target.write_text(target.read_text() + "\n-- edited\n")
    with pytest.raises(MigrationError, match=r"changed after it was applied"):
        migrate(empty_db, files)
    with psycopg.connect(empty_db) as conn:
        ok, reason = status(conn, files)
    assert not ok and "changed" in reason


def test_refuses_a_missing_file_and_an_unapplied_older_file(empty_db: str, files: Path) -> None:
    migrate(empty_db, files)
    last = sorted(files.glob("*.sql"))[-1]
    last.unlink()
    (files / "20200101000000_late_arrival.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError) as err:
        migrate(empty_db, files)
    assert "file is missing" in str(err.value)
    assert "never applied" in str(err.value)


def test_a_failing_migration_is_rolled_back_entirely(empty_db: str, files: Path) -> None:
    migrate(empty_db, files)
    (files / "29991231000000_broken.sql").write_text(
        "CREATE TABLE public.half_done (id int);\nSELECT no_such_column FROM public.students;\n"
    )
    with pytest.raises(MigrationError, match=r"broken\.sql failed and was rolled back"):
        migrate(empty_db, files)
    with psycopg.connect(empty_db) as conn:
        assert conn.execute("SELECT to_regclass('public.half_done')").fetchone() == (None,)
        ok, reason = status(conn, files)
    assert not ok and "pending" in reason


def test_misnamed_file_is_reported(files: Path) -> None:
    (files / "add-things.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError, match=r"add-things\.sql: name must be"):
        load_migrations(files)


def test_auth_shim_keeps_an_existing_supabase_auth_schema(empty_db: str) -> None:
    with psycopg.connect(empty_db, autocommit=True) as conn:
        conn.execute(
            "CREATE SCHEMA auth; CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE "
            "AS $$ SELECT '00000000-0000-0000-0000-00000000abcd'::uuid $$"
        )
    migrate(empty_db)
    with psycopg.connect(empty_db) as conn:
        assert conn.execute("SELECT auth.uid()::text").fetchone() == (
            "00000000-0000-0000-0000-00000000abcd",
        )


def test_auth_shim_reads_the_request_claims(empty_db: str) -> None:
    migrate(empty_db)
    with psycopg.connect(empty_db) as conn:
        conn.execute(
            "SELECT set_config('request.jwt.claims', %s, true)",
            ('{"sub": "11111111-2222-3333-4444-555555555555", "role": "authenticated"}',),
        )
        row = conn.execute("SELECT auth.uid()::text, auth.jwt() ->> 'role'").fetchone()
    assert row == ("11111111-2222-3333-4444-555555555555", "authenticated")


def test_cli_reports_missing_database_url(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert main([]) == 2
    assert "DATABASE_URL" in capsys.readouterr().err


def test_cli_check_fails_before_and_passes_after(empty_db: str) -> None:
    assert main(["--database-url", empty_db, "--check"]) == 1
    assert main(["--database-url", empty_db]) == 0
    assert main(["--database-url", empty_db, "--check"]) == 0
