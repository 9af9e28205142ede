"""A small CRM-shaped schema with the features a restore must carry: foreign keys, identity
columns, jsonb, bytea, timestamptz, an index, a view, and row-level security."""

from __future__ import annotations

import psycopg

from app.ops.pg import text

SCHEMA = """
CREATE TABLE students (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL UNIQUE,
    full_name text NOT NULL,
    profile jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE applications (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    student_id bigint NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    company text NOT NULL,
    status text NOT NULL CHECK (status IN ('draft','applied','interview','offer','rejected')),
    resume bytea
);
CREATE INDEX applications_student_idx ON applications(student_id);
CREATE TABLE advisor_notes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    student_id bigint NOT NULL REFERENCES students(id),
    body text NOT NULL
);
ALTER TABLE advisor_notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY notes_by_owner ON advisor_notes USING (body <> '');
CREATE TABLE empty_reminders (id int PRIMARY KEY, due date);
CREATE VIEW open_applications AS SELECT * FROM applications WHERE status <> 'rejected';
"""

DATA = (
    """INSERT INTO students (email, full_name, profile)
    SELECT 'student' || g || '@example.edu', 'Student ' || g, jsonb_build_object('year', mod(g, 4))
    FROM generate_series(1, %(students)s) g""",
    """INSERT INTO applications (student_id, company, status, resume)
    SELECT 1 + mod(g, %(students)s), 'Company ' || mod(g, 97),
           (ARRAY['draft','applied','interview','offer','rejected'])[1 + mod(g, 5)],
           decode(md5(g::text), 'hex')
    FROM generate_series(1, %(applications)s) g""",
    """INSERT INTO advisor_notes (student_id, body)
    SELECT 1 + mod(g, %(students)s), 'Note ' || g || E' with\\ttabs, quotes '' and ünïcode'
    FROM generate_series(1, %(notes)s) g""",
)


def seed(dsn: str, students: int = 300, applications: int = 900, notes: int = 450) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(SCHEMA)
        params = {"students": students, "applications": applications, "notes": notes}
        for statement in DATA:
            conn.execute(statement, params)


def add_incompressible(dsn: str, mib: int) -> None:
    """`mib` MiB of random bytes (pg_dump's compression cannot shrink them)."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE attachments (id int PRIMARY KEY, blob bytea NOT NULL)")
        conn.execute("ALTER TABLE attachments ALTER COLUMN blob SET STORAGE EXTERNAL")
        for i in range(mib):
            conn.execute(
                "INSERT INTO attachments SELECT %s, string_agg(decode(md5(random()::text"
                " || g::text), 'hex'), ''::bytea) FROM generate_series(1, 65536) g",
                (i,),
            )


def table_fingerprints(dsn: str) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent content checksum for every public table."""
    with psycopg.connect(dsn) as conn:
        tables = [
            text(r[0])
            for r in conn.execute(
                "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1"
            ).fetchall()
        ]
        out: dict[str, tuple[int, str]] = {}
        for table in tables:
            row = conn.execute(
                psycopg.sql.SQL(
                    "SELECT count(*), md5(coalesce(string_agg(md5(t::text), '' ORDER BY"
                    " md5(t::text)), '')) FROM {} t"
                ).format(psycopg.sql.Identifier(table))
            ).fetchone()
            assert row is not None
            out[f"public.{table}"] = (int(str(row[0])), str(row[1]))
        return out
