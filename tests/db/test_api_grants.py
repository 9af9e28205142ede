"""app/migrations/api_grants.toml says what the API roles need; the API's SQL and the migrated
database agree with it, both ways."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from app.advisors.grants import TABLE_PRIVILEGES, GrantsFileError, load_grants
from app.migrate import MIGRATIONS_DIR
from tests.db.conftest import MakeDb
from tests.db.sql_privileges import api_sql_privileges, authenticated_modules, privileges_in


def test_allow_list_is_what_the_api_sql_uses() -> None:
    modules = {p.name for p in authenticated_modules()}
    assert {"db.py", "students.py", "staff.py", "notes.py", "pipeline.py"} <= modules
    declared = {t: set(p) for t, p in load_grants()["authenticated"].items()}
    assert declared == api_sql_privileges()
    assert load_grants()["anon"] == {}


@pytest.mark.parametrize(
    ("sql", "needs"),
    [
        ("SELECT a FROM public.t JOIN public.u ON 1", {"public.t": {"SELECT"}, "public.u": {"SELECT"}}),  # noqa: E501
        ("SELECT a FROM public.t WHERE id = 1 FOR UPDATE", {"public.t": {"SELECT", "UPDATE"}}),
        ("DELETE FROM public.t WHERE id = %s", {"public.t": {"DELETE", "SELECT"}}),
        ("INSERT INTO public.t (a) VALUES (1)", {"public.t": {"INSERT"}}),
        ("INSERT INTO public.t (a) VALUES (1) RETURNING id", {"public.t": {"INSERT", "SELECT"}}),
        ("UPDATE public.t SET a = 1", {"public.t": {"UPDATE"}}),
        ("SELECT * FROM public.search_students(%s)", {}),
    ],
)  # fmt: skip
def test_privileges_follow_postgres_rules(sql: str, needs: dict[str, set[str]]) -> None:
    assert privileges_in(sql) == needs


def _effective(dsn: str, role: str) -> dict[str, set[str]]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT n.nspname || '.' || c.relname, p.priv "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, "
            "unnest(%s::text[]) AS p(priv) "
            "WHERE c.relkind = 'r' AND n.nspname IN ('public', 'private', 'crm_migrations') "
            "AND has_table_privilege(%s, c.oid, p.priv)",
            (list(TABLE_PRIVILEGES), role),
        ).fetchall()
    out: dict[str, set[str]] = {}
    for table, priv in rows:
        out.setdefault(table, set()).add(priv)
    return out


def test_migrated_databases_grant_exactly_the_allow_list(
    supabase_db: MakeDb, plain_db: MakeDb
) -> None:
    declared = {t: set(p) for t, p in load_grants()["authenticated"].items()}
    for dsn in (supabase_db(MIGRATIONS_DIR), plain_db(MIGRATIONS_DIR)):
        assert _effective(dsn, "authenticated") == declared
        assert _effective(dsn, "anon") == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[admin]\n"public.t" = ["SELECT"]\n', "[admin]: unknown role"),
        ('[anon]\n"public.t" = ["SELEKT"]\n', "anon.'public.t': unknown privilege(s) ['SELEKT']"),
        ('[anon]\n"t" = ["SELECT"]\n', "anon.'t': name the table as schema.table"),
        ('[anon]\n"public.t" = "SELECT"\n', "anon.'public.t': must be a list"),
        ("[anon\n", "cannot read it"),
    ],
)
def test_malformed_allow_list_names_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "api_grants.toml"
    path.write_text(text)
    with pytest.raises(GrantsFileError) as err:
        load_grants(path)
    assert message in str(err.value)
