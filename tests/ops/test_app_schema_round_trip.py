"""The real CRM schema (the app's migrations: RLS, helper functions, migration history) backed
up and restored into a fresh database that has only what Supabase provides (the auth shim)."""

from __future__ import annotations

import psycopg
import pytest

from app import backup, restore
from app.migrate import MIGRATIONS_DIR, migrate
from app.ops.errors import TargetNotReady
from app.ops.settings import BackupSettings, StorageSettings
from tests.support.postgres import PostgresServer

pytestmark = pytest.mark.slow

SCHEMAS = ("public", "private", "crm_migrations")
SEED = (
    "INSERT INTO organizations (id, name) VALUES"
    " ('00000000-0000-0000-0000-00000000000a', 'Career Centre')",
    "INSERT INTO staff (organization_id, user_id, email, full_name, role) SELECT"
    " '00000000-0000-0000-0000-00000000000a', gen_random_uuid(), 'adv' || g || '@example.edu',"
    " 'Advisor ' || g, 'advisor' FROM generate_series(1, 5) g",
    "INSERT INTO students (organization_id, first_name, last_name, email) SELECT"
    " '00000000-0000-0000-0000-00000000000a', 'First' || g, 'Last' || g,"
    " 's' || g || '@example.edu' FROM generate_series(1, 200) g",
    "INSERT INTO applications (organization_id, student_id, company, role)"
    " SELECT organization_id, id, 'Company', 'Intern' FROM students",
    "INSERT INTO notes (organization_id, student_id, body)"
    " SELECT organization_id, id, 'Met on ' || created_at::date FROM students",
)


def _fingerprints(dsn: str) -> dict[str, tuple[int, str, bool]]:
    with psycopg.connect(dsn) as conn:
        tables = conn.execute(
            "SELECT n.nspname, c.relname, c.relrowsecurity FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relkind = 'r' AND n.nspname = ANY(%s) ORDER BY 1, 2",
            (list(SCHEMAS),),
        ).fetchall()
        out = {}
        for schema, table, rls in tables:
            row = conn.execute(
                psycopg.sql.SQL(
                    "SELECT count(*), md5(coalesce(string_agg(md5(t::text), '' ORDER BY"
                    " md5(t::text)), '')) FROM {}.{} t"
                ).format(psycopg.sql.Identifier(schema), psycopg.sql.Identifier(table))
            ).fetchone()
            assert row is not None
            out[f"{schema}.{table}"] = (int(str(row[0])), str(row[1]), bool(rls))
        return out


def test_crm_database_restores_into_a_supabase_like_target(
    postgres_server: PostgresServer, storage: StorageSettings
) -> None:
    source = postgres_server.create_database("crm_app_source")
    target = postgres_server.create_database("crm_app_target")
    try:
        migrate(source)
        with psycopg.connect(source, autocommit=True) as conn:
            for statement in SEED:
                conn.execute(statement)
        before = _fingerprints(source)
        assert before["public.students"][0] == 200 and before["public.students"][2] is True

        settings = BackupSettings(
            storage=storage, database_url=source, schemas=SCHEMAS, lock_wait_timeout_s=60
        )
        manifest = backup.run_backup(settings)
        assert manifest.row_counts["crm_migrations.applied"] == len(
            list(MIGRATIONS_DIR.glob("*.sql"))
        )
        # pg_dump --schema leaves extensions out; the search index needs btree_gin.
        assert ("btree_gin", "extensions") in manifest.extensions

        # A new Supabase project already has the auth schema, auth.uid() and the API roles.
        shim = sorted(MIGRATIONS_DIR.glob("*_auth_shim.sql"))[0].read_text()
        with psycopg.connect(target, autocommit=True) as conn:
            conn.execute(shim)
        # ... and the `extensions` schema: without it the target is refused, untouched.
        with pytest.raises(TargetNotReady, match="schema 'extensions', which the target lacks"):
            restore.run_restore(storage, target)
        assert _fingerprints(target) == {}
        with psycopg.connect(target, autocommit=True) as conn:
            conn.execute("CREATE SCHEMA extensions")
        report = restore.run_restore(storage, target)

        assert report.rows == sum(count for count, _, _ in before.values())
        assert _fingerprints(target) == before
        assert migrate(target) == []  # history restored: nothing to re-apply
    finally:
        postgres_server.drop_database("crm_app_source")
        postgres_server.drop_database("crm_app_target")
