"""PostgreSQL side: find the client tools, read a consistent snapshot, count rows."""

from __future__ import annotations

import glob
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

from app.ops.errors import OpsError, SettingsError


def pg_tool(name: str) -> str:
    """pg_dump/pg_restore: $PG_BIN, else the newest /usr/lib/postgresql/*/bin, else PATH.

    pg_dump must be at least the server's major version, so prefer the newest installed.
    """
    explicit = os.environ.get("PG_BIN")
    if explicit:
        path = Path(explicit) / name
        if not path.exists():
            raise SettingsError(
                f"PG_BIN={explicit!r} has no {name}: point it at a PostgreSQL "
                "bin directory (e.g. /usr/lib/postgresql/17/bin)"
            )
        return str(path)
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_major, reverse=True)
    if found:
        return found[0]
    on_path = shutil.which(name)
    if on_path:
        return on_path
    raise SettingsError(
        f"{name} not found: install the PostgreSQL client "
        "(apt-get install postgresql-client) or set PG_BIN"
    )


def _major(path: str) -> int:
    try:
        return int(Path(path).parts[-3])
    except (ValueError, IndexError):
        return 0


def connect(dsn: str, what: str) -> psycopg.Connection[tuple[object, ...]]:
    try:
        return psycopg.connect(dsn, connect_timeout=15, application_name="careers-crm-ops")
    except (psycopg.OperationalError, psycopg.ProgrammingError) as exc:
        raise OpsError(
            f"cannot connect to the {what} database: {_first_line(exc)}; check the "
            "connection string (host, port, user, password, sslmode)"
        ) from None


@contextmanager
def exported_snapshot(dsn: str) -> Iterator[tuple[str, psycopg.Connection[tuple[object, ...]]]]:
    """Hold a REPEATABLE READ snapshot open and export it, so pg_dump --snapshot and our row
    counts see exactly the same data (no drift between the dump and the manifest)."""
    conn = connect(dsn, "source")
    try:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        row = conn.execute("SELECT pg_export_snapshot()").fetchone()
        assert row is not None
        yield text(row[0]), conn
    finally:
        conn.rollback()
        conn.close()


def tables(conn: psycopg.Connection[tuple[object, ...]], schemas: tuple[str, ...]) -> list[str]:
    try:
        rows = conn.execute(
            "SELECT n.nspname, c.relname FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relkind = 'r' AND n.nspname = ANY(%s)"
            # An extension's own tables are recreated by CREATE EXTENSION, not restored.
            " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass"
            " AND d.objid = c.oid AND d.deptype = 'e') ORDER BY 1, 2",
            (list(schemas),),
        ).fetchall()
    except psycopg.Error as exc:
        raise OpsError(f"cannot list tables in {list(schemas)}: {_first_line(exc)}") from None
    return [f"{text(schema)}.{text(name)}" for schema, name in rows]


def row_counts(
    conn: psycopg.Connection[tuple[object, ...]], schemas: tuple[str, ...]
) -> dict[str, int]:
    counts: dict[str, int] = {}
    for qualified in tables(conn, schemas):
        schema, name = qualified.split(".", 1)
        query = sql.SQL("SELECT count(*) FROM {}.{}").format(
            sql.Identifier(schema), sql.Identifier(name)
        )
        try:
            row = conn.execute(query).fetchone()
        except psycopg.Error as exc:
            raise OpsError(f"cannot count rows of {qualified}: {_first_line(exc)}") from None
        assert row is not None
        counts[qualified] = int(str(row[0]))
    return counts


# Objects in the dumped schemas (tables, indexes, functions, types, defaults, constraints,
# policies, views, triggers) that use a member of an extension (an operator class, a
# function, a type), plus extensions installed into the dumped schemas themselves.
_REQUIRED_EXTENSIONS = """
WITH ours(classid, objid) AS (
  SELECT 'pg_class'::regclass, c.oid FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY(%(s)s)
  UNION ALL SELECT 'pg_proc'::regclass, p.oid FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ANY(%(s)s)
  UNION ALL SELECT 'pg_type'::regclass, t.oid FROM pg_type t
    JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = ANY(%(s)s)
  UNION ALL SELECT 'pg_constraint'::regclass, k.oid FROM pg_constraint k
    JOIN pg_namespace n ON n.oid = k.connamespace WHERE n.nspname = ANY(%(s)s)
  UNION ALL SELECT 'pg_attrdef'::regclass, a.oid FROM pg_attrdef a
    JOIN pg_class c ON c.oid = a.adrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY(%(s)s)
  UNION ALL SELECT 'pg_policy'::regclass, po.oid FROM pg_policy po
    JOIN pg_class c ON c.oid = po.polrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY(%(s)s)
  UNION ALL SELECT 'pg_rewrite'::regclass, r.oid FROM pg_rewrite r
    JOIN pg_class c ON c.oid = r.ev_class
    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY(%(s)s)
  UNION ALL SELECT 'pg_trigger'::regclass, tg.oid FROM pg_trigger tg
    JOIN pg_class c ON c.oid = tg.tgrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY(%(s)s)
)
SELECT e.extname, en.nspname FROM pg_extension e
  JOIN pg_namespace en ON en.oid = e.extnamespace
 WHERE e.extname <> 'plpgsql' AND (
   en.nspname = ANY(%(s)s)
   OR e.oid IN (
     SELECT m.refobjid FROM ours o
       JOIN pg_depend d ON d.classid = o.classid AND d.objid = o.objid
       JOIN pg_depend m ON m.classid = d.refclassid AND m.objid = d.refobjid
        AND m.deptype = 'e' AND m.refclassid = 'pg_extension'::regclass))
 ORDER BY 1
"""


def required_extensions(
    conn: psycopg.Connection[tuple[object, ...]], schemas: tuple[str, ...]
) -> list[tuple[str, str]]:
    """(extension, its schema) the dumped schemas need: pg_dump --schema leaves extensions
    out, and a restore without them fails (e.g. an index using btree_gin's operator class)."""
    try:
        rows = conn.execute(_REQUIRED_EXTENSIONS, {"s": list(schemas)}).fetchall()
    except psycopg.Error as exc:
        raise OpsError(f"cannot list the extensions in use: {_first_line(exc)}") from None
    return [(text(name), text(schema)) for name, schema in rows]


def text(value: object) -> str:
    """A catalog name as str: psycopg returns bytes from SQL_ASCII databases."""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def database_name(conn: psycopg.Connection[tuple[object, ...]]) -> str:
    row = conn.execute("SELECT current_database()").fetchone()
    assert row is not None
    return text(row[0])


_LIBPQ_ENV = {
    "host": "PGHOST",
    "hostaddr": "PGHOSTADDR",
    "port": "PGPORT",
    "dbname": "PGDATABASE",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "options": "PGOPTIONS",
    "application_name": "PGAPPNAME",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


def libpq_env(dsn: str, what: str) -> dict[str, str]:
    """The connection as PG* environment variables for pg_dump/pg_restore, so the password
    never appears on a command line (visible to every process via /proc)."""
    try:
        params = psycopg.conninfo.conninfo_to_dict(dsn)
    except psycopg.ProgrammingError:
        raise SettingsError(
            f"the {what} connection string is not a valid libpq URI or key=value string"
        ) from None
    unknown = sorted(set(params) - set(_LIBPQ_ENV))
    if unknown:
        raise SettingsError(
            f"the {what} connection string uses unsupported parameters "
            f"{unknown}: use only {sorted(_LIBPQ_ENV)}"
        )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG") or k == "PG_BIN"}
    env.update({_LIBPQ_ENV[k]: str(v) for k, v in params.items() if v is not None})
    return env
