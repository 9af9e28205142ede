"""Apply the SQL migrations in app/migrations/ in order, each once, each in its own transaction.

Files follow the Supabase CLI convention (`<14-digit timestamp>_<name>.sql`), so the same files
can be pushed with `supabase db push`. The runner records each applied file with its SHA-256 and
refuses a database whose applied history is not a prefix of the files on disk (a file edited,
removed or reordered after it was applied): that database needs a human, not more DDL.

Usage: python -m app.migrate [--database-url URL] [--check]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import psycopg

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_FILE_RE = re.compile(r"^(\d{14})_([a-z0-9_]+)\.sql$")
_LOCK_KEY = 7_361_002_914  # advisory lock: one runner at a time per database

HISTORY_DDL = """
CREATE SCHEMA IF NOT EXISTS crm_migrations;
CREATE TABLE IF NOT EXISTS crm_migrations.applied (
  version text PRIMARY KEY,
  name text NOT NULL,
  sha256 text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);
"""


class MigrationError(Exception):
    """The database or the migration files are not in a state the runner can act on."""


@dataclass(frozen=True)
class Migration:
    version: str
    name: str
    sql: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


@dataclass(frozen=True)
class Applied:
    version: str
    name: str
    sha256: str


def load_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """The migration files in version order; a misnamed or duplicate file is an error."""
    found: list[Migration] = []
    problems: list[str] = []
    for path in sorted(directory.glob("*.sql")):
        match = _FILE_RE.match(path.name)
        if not match:
            problems.append(
                f"{path.name}: name must be <14-digit timestamp>_<lower_snake_name>.sql"
            )
            continue
        found.append(Migration(match.group(1), match.group(2), path.read_text()))
    versions = [m.version for m in found]
    for v in sorted({v for v in versions if versions.count(v) > 1}):
        problems.append(f"version {v} is used by more than one file: give each a new timestamp")
    if problems:
        raise MigrationError("; ".join(problems))
    return found


def applied_history(conn: psycopg.Connection) -> list[Applied]:
    exists = conn.execute("SELECT to_regclass('crm_migrations.applied') IS NOT NULL").fetchone()
    if not exists or not exists[0]:
        return []
    rows = conn.execute(
        "SELECT version, name, sha256 FROM crm_migrations.applied ORDER BY version"
    ).fetchall()
    return [Applied(*row) for row in rows]


def history_problems(applied: list[Applied], files: list[Migration]) -> list[str]:
    """Why the applied history is not a prefix of the files ([] when it is)."""
    problems: list[str] = []
    by_version = {m.version: m for m in files}
    for i, done in enumerate(applied):
        file = by_version.get(done.version)
        if file is None:
            problems.append(
                f"{done.version}_{done.name} was applied but its file is missing: restore it"
            )
        elif file.sha256 != done.sha256:
            problems.append(
                f"{done.version}_{done.name}.sql changed after it was applied: revert the edit "
                "and add a new migration instead"
            )
        elif i >= len(files) or files[i].version != done.version:
            problems.append(f"{done.version}_{done.name} was applied out of order")
    applied_versions = {a.version for a in applied}
    if applied:
        last = applied[-1].version
        for m in files:
            if m.version < last and m.version not in applied_versions:
                problems.append(
                    f"{m.version}_{m.name}.sql is older than the last applied migration "
                    f"({last}) but was never applied: give it a newer timestamp"
                )
    return problems


def pending(applied: list[Applied], files: list[Migration]) -> list[Migration]:
    done = {a.version for a in applied}
    return [m for m in files if m.version not in done]


def migrate(database_url: str, directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Apply every pending migration; return those applied. Raises MigrationError."""
    files = load_migrations(directory)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (_LOCK_KEY,))
        try:
            conn.execute(HISTORY_DDL)
            applied = applied_history(conn)
            problems = history_problems(applied, files)
            if problems:
                raise MigrationError(
                    "refusing to migrate: the database's history differs from the files: "
                    + "; ".join(problems)
                )
            todo = pending(applied, files)
            for m in todo:
                try:
                    with conn.transaction():
                        conn.execute(m.sql.encode())
                        conn.execute(
                            "INSERT INTO crm_migrations.applied (version, name, sha256) "
                            "VALUES (%s, %s, %s)",
                            (m.version, m.name, m.sha256),
                        )
                except psycopg.Error as exc:
                    raise MigrationError(
                        f"{m.version}_{m.name}.sql failed and was rolled back: "
                        f"{exc.diag.message_primary or exc}"
                    ) from None
            return todo
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_KEY,))


def status(conn: psycopg.Connection, directory: Path = MIGRATIONS_DIR) -> tuple[bool, str]:
    """(current?, reason) for /readyz: current means every file applied and none changed."""
    files = load_migrations(directory)
    applied = applied_history(conn)
    problems = history_problems(applied, files)
    if problems:
        return False, "; ".join(problems)
    todo = pending(applied, files)
    if todo:
        return False, f"{len(todo)} migration(s) pending, first {todo[0].version}_{todo[0].name}"
    return True, f"{len(applied)} migration(s) applied"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.migrate", description=__doc__)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--check", action="store_true", help="report status, change nothing")
    args = parser.parse_args(argv)
    if not args.database_url:
        print("error: set DATABASE_URL or pass --database-url postgresql://...", file=sys.stderr)
        return 2
    try:
        if args.check:
            with psycopg.connect(args.database_url, autocommit=True) as conn:
                ok, reason = status(conn)
            print(reason)
            return 0 if ok else 1
        done = migrate(args.database_url)
    except MigrationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except psycopg.OperationalError as exc:
        print(f"error: cannot connect to the database: {exc}", file=sys.stderr)
        return 1
    for m in done:
        print(f"applied {m.version}_{m.name}")
    print(f"database is current ({len(done)} applied now)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
