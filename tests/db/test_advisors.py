"""The advisor checks on the real schema: they pass once every migration ran, and each one
reports what it is meant to on the schema before the fix (or on a change made to fail it)."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import psycopg
import pytest

from app.advisors.__main__ import main
from app.advisors.checks import CHECKS, Result, run_checks
from app.advisors.grants import load_grants
from app.migrate import MIGRATIONS_DIR
from tests.db.conftest import ADVISOR_FIX, MakeDb
from tests.support.postgres import running_postgres

ROOT = Path(__file__).resolve().parents[2]
TABLES = ("applications", "notes", "organizations", "reminders", "staff", "students")


def results(dsn: str) -> list[Result]:
    with psycopg.connect(dsn) as conn:
        return run_checks(conn, load_grants())


def findings(dsn: str) -> dict[tuple[str, str], str]:
    return {(r.check.id, r.object): r.detail for r in results(dsn) if not r.ok}


def test_migrated_supabase_schema_passes_every_check_and_each_inspected_something(
    supabase_db: MakeDb,
) -> None:
    found = results(supabase_db(MIGRATIONS_DIR))
    assert [(r.check.id, r.object, r.detail) for r in found if not r.ok] == []
    inspected = Counter(r.check.id for r in found)
    assert {c.id for c in CHECKS} == {c for c, n in inspected.items() if n > 0}, inspected


def test_schema_before_the_fix_shows_every_listed_finding(
    supabase_db: MakeDb, before_fix_dir: Path
) -> None:
    got = findings(supabase_db(before_fix_dir))
    functions = (
        "public.application_transition_allowed(old_status text, new_status text)",
        "public.applications_check_transition()",
    )
    foreign_keys = (
        "public.notes.notes_author_staff_id_fkey (author_staff_id)",
        "public.reminders.reminders_staff_id_organization_id_fkey (staff_id, organization_id)",
    )
    expected = {("function_search_path_mutable", f) for f in functions}
    expected |= {("unindexed_foreign_keys", fk) for fk in foreign_keys}
    expected |= {
        ("default_privileges_grant_api_roles", f"new {kind} by postgres in public")
        for kind in ("tables", "functions")
    }
    expected |= {("api_role_table_privileges", f"authenticated on public.{t}") for t in TABLES}
    expected |= {("pg_graphql_exposes_tables", f"authenticated sees public.{t}") for t in TABLES}
    assert expected <= set(got), sorted(expected - set(got))
    for table in TABLES:
        detail = got[("api_role_table_privileges", f"authenticated on public.{table}")]
        assert all(p in detail for p in ("TRUNCATE", "REFERENCES", "TRIGGER")), detail
    organizations = got[("api_role_table_privileges", "authenticated on public.organizations")]
    assert "INSERT" in organizations and "DELETE" in organizations
    assert (
        "anon:TRUNCATE"
        in got[("default_privileges_grant_api_roles", "new tables by postgres in public")]
    )


def test_pgcrypto_in_public_on_plain_postgres_is_moved_to_extensions(
    plain_db: MakeDb, before_fix_dir: Path
) -> None:
    """On Supabase pgcrypto is pre-installed in `extensions`; on plain PostgreSQL (local, CI,
    the restore drill) the CRM schema created it in public."""
    assert ("extension_in_public", "pgcrypto") in findings(plain_db(before_fix_dir))
    dsn = plain_db(MIGRATIONS_DIR)
    assert findings(dsn) == {}
    with psycopg.connect(dsn) as conn:
        row = conn.execute(
            "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pgcrypto'"
        ).fetchone()
        uuid = conn.execute(
            "INSERT INTO public.organizations (name) VALUES ('x') RETURNING id"
        ).fetchone()
    assert row == ("extensions",) and uuid is not None


def test_new_table_without_rls_and_definer_function_for_anon_are_reported(
    supabase_db: MakeDb, before_fix_dir: Path
) -> None:
    definer = (
        "CREATE FUNCTION public.whoami() RETURNS text LANGUAGE sql SECURITY DEFINER "
        "SET search_path = '' AS $$ SELECT current_user::text $$"
    )
    # Before the fix, Supabase's default privileges make a new definer function anon's.
    before = supabase_db(before_fix_dir)
    with psycopg.connect(before, autocommit=True) as conn:
        conn.execute(definer)
    assert ("security_definer_executable_by_anon", "public.whoami()") in findings(before)

    after = supabase_db(MIGRATIONS_DIR)
    with psycopg.connect(after, autocommit=True) as conn:
        conn.execute(definer)
        conn.execute("CREATE TABLE public.scratch (id int PRIMARY KEY)")
    got = findings(after)
    assert set(got) == {("rls_disabled_in_exposed_schema", "public.scratch")}, got
    with psycopg.connect(after, autocommit=True) as conn:
        conn.execute("GRANT EXECUTE ON FUNCTION public.whoami() TO anon")
        conn.execute("GRANT SELECT, TRUNCATE ON public.scratch TO authenticated")
    got = findings(after)
    assert ("security_definer_executable_by_anon", "public.whoami()") in got
    assert got[("api_role_table_privileges", "authenticated on public.scratch")] == (
        "holds SELECT, TRUNCATE beyond the allow-list"
    )


def test_fix_migration_runs_again_without_error_or_change(supabase_db: MakeDb) -> None:
    dsn = supabase_db(MIGRATIONS_DIR)
    fix = next(MIGRATIONS_DIR.glob(f"{ADVISOR_FIX}_*.sql")).read_text()
    with psycopg.connect(dsn) as conn:
        indexes = conn.execute("SELECT indexrelid FROM pg_index ORDER BY 1").fetchall()
        conn.execute(fix.encode())
        conn.commit()
        assert conn.execute("SELECT indexrelid FROM pg_index ORDER BY 1").fetchall() == indexes
    assert findings(dsn) == {}


def test_pg_graphql_is_dropped_on_supabase(supabase_db: MakeDb, before_fix_dir: Path) -> None:
    query = "SELECT count(*) FROM pg_extension WHERE extname = 'pg_graphql'"
    with psycopg.connect(supabase_db(before_fix_dir)) as conn:
        assert conn.execute(query).fetchone() == (1,)
    with psycopg.connect(supabase_db(MIGRATIONS_DIR)) as conn:
        assert conn.execute(query).fetchone() == (0,)
        assert conn.execute("SELECT to_regproc('graphql.resolve')").fetchone() == (None,)


def test_command_exit_status_and_report(
    supabase_db: MakeDb, before_fix_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([supabase_db(before_fix_dir)]) == 1
    out = capsys.readouterr().out
    assert "WARN function_search_path_mutable: public.applications_check_transition()" in out
    assert "[unindexed_foreign_keys] Every foreign key has an index" in out

    migrated = supabase_db(MIGRATIONS_DIR)
    proc = subprocess.run(
        [sys.executable, "-m", "app.advisors", migrated],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip().endswith("0 finding(s)")
    assert proc.stdout.count("passed (") == len(CHECKS)


def test_command_errors_are_specific(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert main([]) == 2
    assert "pass DATABASE_URL" in capsys.readouterr().err
    assert main(["postgresql://nobody@127.0.0.1:1/none"]) == 2
    assert "cannot connect to the database" in capsys.readouterr().err
    # A database the migrations never ran on (own cluster: roles are cluster-wide).
    with running_postgres() as server:
        assert main([server.dsn()]) == 2
    assert "role(s) anon, authenticated do not exist" in capsys.readouterr().err
