"""The database advisor checks: SQL over the system catalogs, written for this project.

Each check's query returns one row per object it inspected - (object, ok, detail) - so a run
says both what failed and how much was looked at: a check that found nothing to inspect is
"not applicable", never "passed". Objects owned by Supabase or by extensions are out of scope
(we cannot change them): the schemas in MANAGED_SCHEMAS and extension members.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import psycopg

from app.advisors.grants import API_ROLES, Grants

# Schemas Supabase or an extension owns; never ours to fix.
MANAGED_SCHEMAS = (
    "information_schema",
    "auth",
    "storage",
    "extensions",
    "graphql",
    "graphql_public",
    "realtime",
    "_realtime",
    "vault",
    "pgsodium",
    "pgsodium_masks",
    "supabase_functions",
    "supabase_migrations",
    "net",
    "cron",
    "pgbouncer",
    "pgtle",
)

# Schemas whose objects are ours: not pg_*, not managed. %(managed)s is MANAGED_SCHEMAS.
_OURS = "n.nspname !~ '^pg_' AND n.nspname <> ALL(%(managed)s)"


def _not_member(catalog: str, oid: str) -> str:
    return (
        "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.deptype = 'e' "
        f"AND d.classid = '{catalog}'::regclass AND d.objid = {oid})"
    )


@dataclass(frozen=True)
class Check:
    id: str
    level: str  # WARN: security; INFO: performance
    title: str
    remediation: str
    sql: str


@dataclass(frozen=True)
class Result:
    check: Check
    object: str
    ok: bool
    detail: str


RLS = Check(
    "rls_disabled_in_exposed_schema",
    "WARN",
    "Row level security is on for every table the API roles can reach",
    "ALTER TABLE ... ENABLE ROW LEVEL SECURITY and add policies.",
    f"""
SELECT format('%%I.%%I', n.nspname, c.relname), c.relrowsecurity,
       'anon/authenticated have USAGE on schema ' || quote_ident(n.nspname)
       || ' but the table has row level security off'
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND {_OURS} AND {_not_member("pg_class", "c.oid")}
  AND (pg_catalog.has_schema_privilege('anon', n.oid, 'USAGE')
       OR pg_catalog.has_schema_privilege('authenticated', n.oid, 'USAGE'))
ORDER BY 1
""",
)

SEARCH_PATH = Check(
    "function_search_path_mutable",
    "WARN",
    "Every function fixes its search_path",
    "ALTER FUNCTION ... SET search_path = '' and schema-qualify what the body uses.",
    f"""
SELECT format('%%I.%%I(%%s)', n.nspname, p.proname,
              pg_catalog.pg_get_function_identity_arguments(p.oid)),
       coalesce(EXISTS (SELECT 1 FROM unnest(p.proconfig) AS cfg
                        WHERE cfg LIKE 'search\\_path=%%'), false),
       'search_path is not set on the function, so it resolves names with the caller''s'
FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
WHERE p.prokind IN ('f', 'p') AND {_OURS} AND {_not_member("pg_proc", "p.oid")}
ORDER BY 1
""",
)

DEFINER_ANON = Check(
    "security_definer_executable_by_anon",
    "WARN",
    "No SECURITY DEFINER function is executable by anon",
    "REVOKE EXECUTE ON FUNCTION ... FROM PUBLIC, anon; grant only the roles that need it.",
    f"""
SELECT format('%%I.%%I(%%s)', n.nspname, p.proname,
              pg_catalog.pg_get_function_identity_arguments(p.oid)),
       NOT pg_catalog.has_function_privilege('anon', p.oid, 'EXECUTE'),
       'SECURITY DEFINER (runs as ' || pg_catalog.pg_get_userbyid(p.proowner)
       || ') and anon may execute it'
FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
WHERE p.prosecdef AND {_OURS} AND {_not_member("pg_proc", "p.oid")}
ORDER BY 1
""",
)

# Covered: a valid, non-partial index whose leading key columns are exactly the FK's columns
# (in any order), so deleting or re-keying a referenced row is an index lookup, not a scan.
FK_INDEX = Check(
    "unindexed_foreign_keys",
    "INFO",
    "Every foreign key has an index starting with its columns",
    "CREATE INDEX ... ON <table> (<foreign key columns>, ...).",
    f"""
SELECT format('%%I.%%I.%%I (%%s)', n.nspname, c.relname, con.conname,
              (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.i)
               FROM unnest(con.conkey) WITH ORDINALITY AS k(att, i)
               JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.att)),
       EXISTS (
         SELECT 1 FROM pg_catalog.pg_index i
         WHERE i.indrelid = c.oid AND i.indisvalid AND i.indpred IS NULL
           AND i.indnkeyatts >= cardinality(con.conkey)
           AND (SELECT array_agg(k ORDER BY k) FROM unnest(
                  (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(con.conkey)]) k)
               = (SELECT array_agg(k ORDER BY k) FROM unnest(con.conkey) k)),
       'no index starts with the foreign key''s columns: deleting a referenced row scans '
       || quote_ident(c.relname)
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE con.contype = 'f' AND {_OURS} AND {_not_member("pg_class", "c.oid")}
ORDER BY 1
""",
)

# One row per (API role, table): the privileges it holds (directly, via PUBLIC or a role it
# inherits; column grants count) that api_grants.toml does not list. %(allowed)s is that file.
TABLE_PRIVILEGES = Check(
    "api_role_table_privileges",
    "WARN",
    "anon and authenticated hold no table privilege beyond app/migrations/api_grants.toml",
    "REVOKE the listed privileges (and ALTER DEFAULT PRIVILEGES ... REVOKE for new tables), "
    "or list them in api_grants.toml if the API really uses them.",
    f"""
WITH rels AS (
  SELECT c.oid, format('%%s.%%s', n.nspname, c.relname) AS name
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND {_OURS}
    AND {_not_member("pg_class", "c.oid")}
), held AS (
  SELECT r.role, t.name, array_agg(p.priv ORDER BY p.priv) FILTER (WHERE
           CASE WHEN p.priv IN ('SELECT', 'INSERT', 'UPDATE', 'REFERENCES')
                THEN pg_catalog.has_any_column_privilege(r.role, t.oid, p.priv)
                ELSE pg_catalog.has_table_privilege(r.role, t.oid, p.priv) END) AS privs
  FROM unnest(%(roles)s::text[]) AS r(role) CROSS JOIN rels t
  CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES',
                          'TRIGGER']) AS p(priv)
  GROUP BY r.role, t.name
), excess AS (
  SELECT role, name, ARRAY(
           SELECT x FROM unnest(coalesce(privs, '{{}}')) AS x
           WHERE NOT coalesce(%(allowed)s::jsonb -> role -> name ? x, false)
           ORDER BY x) AS extra
  FROM held
)
SELECT role || ' on ' || name, cardinality(extra) = 0,
       'holds ' || array_to_string(extra, ', ') || ' beyond the allow-list'
FROM excess
UNION ALL
SELECT 'allow-list entry ' || a.role || ' on ' || a.name, false,
       'api_grants.toml lists a table that does not exist: remove or rename the entry'
FROM (SELECT r.key AS role, t.key AS name
      FROM jsonb_each(%(allowed)s::jsonb) r, jsonb_each(r.value) t) a
WHERE a.name NOT IN (SELECT name FROM rels)
ORDER BY 1
""",
)

# Default privileges: what a table, sequence or function created later by the role that runs
# the migrations (or owns our objects) gives the API roles before any GRANT. Effective = the
# role's global default (PostgreSQL's built-in one, EXECUTE to PUBLIC for functions, if it has
# none) plus its per-schema default. PUBLIC counts: anon is a member of it.
DEFAULT_PRIVILEGES = Check(
    "default_privileges_grant_api_roles",
    "WARN",
    "New tables, sequences and functions start with no privilege for anon/authenticated",
    "ALTER DEFAULT PRIVILEGES [IN SCHEMA s] REVOKE ... FROM PUBLIC, anon, authenticated; "
    "grant per object in its migration.",
    f"""
WITH owners AS (
  SELECT current_user::regrole::oid AS role
  UNION SELECT c.relowner FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE {_OURS}
  UNION SELECT p.proowner FROM pg_catalog.pg_proc p
        JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE {_OURS}
), schemas AS (
  SELECT n.oid, n.nspname FROM pg_catalog.pg_namespace n WHERE {_OURS}
), kinds(objtype, aclkind, label) AS (
  VALUES ('r'::"char", 'r'::"char", 'tables'), ('S', 's', 'sequences'), ('f', 'f', 'functions')
), effective AS (
  SELECT o.role, s.nspname, k.label, acl.grantee, acl.privilege_type
  FROM owners o CROSS JOIN schemas s CROSS JOIN kinds k
  LEFT JOIN LATERAL (
    SELECT e.grantee, e.privilege_type FROM aclexplode(coalesce(
      (SELECT d.defaclacl FROM pg_catalog.pg_default_acl d WHERE d.defaclrole = o.role
         AND d.defaclnamespace = 0 AND d.defaclobjtype = k.objtype),
      acldefault(k.aclkind, o.role))) e
    UNION
    SELECT e.grantee, e.privilege_type FROM pg_catalog.pg_default_acl d,
      aclexplode(d.defaclacl) e
    WHERE d.defaclrole = o.role AND d.defaclnamespace = s.oid AND d.defaclobjtype = k.objtype
  ) acl ON true
)
SELECT format('new %%s by %%s in %%s', label, pg_catalog.pg_get_userbyid(role), nspname),
       count(*) FILTER (WHERE grantee = 0 OR grantee IN (
         SELECT oid FROM pg_catalog.pg_roles WHERE rolname = ANY(%(roles)s))) = 0,
       'created with ' || string_agg(DISTINCT
         CASE WHEN grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(grantee) END
         || ':' || privilege_type, ', ') FILTER (WHERE grantee = 0 OR grantee IN (
         SELECT oid FROM pg_catalog.pg_roles WHERE rolname = ANY(%(roles)s)))
FROM effective
GROUP BY role, nspname, label
ORDER BY 1
""",
)

EXTENSION_PUBLIC = Check(
    "extension_in_public",
    "WARN",
    "No extension is installed in the public schema",
    "ALTER EXTENSION ... SET SCHEMA extensions (or drop it if unused).",
    """
SELECT e.extname::text, n.nspname <> 'public',
       'installed in public, where its objects sit beside the API''s tables'
FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
ORDER BY 1
""",
)

# pg_graphql's introspection shows a role every relation it can SELECT any column of, RLS or
# not; the app does not use GraphQL, so with pg_graphql installed each such pair is a finding.
GRAPHQL = Check(
    "pg_graphql_exposes_tables",
    "WARN",
    "pg_graphql does not show our tables to anon/authenticated",
    "DROP EXTENSION IF EXISTS pg_graphql (the app does not use GraphQL).",
    f"""
SELECT r.role || ' sees ' || format('%%I.%%I', n.nspname, c.relname),
       NOT (EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'pg_graphql')
            AND EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                          AND pg_catalog.has_column_privilege(r.role, c.oid, a.attnum,
                                                              'SELECT'))),
       'pg_graphql is installed and ' || r.role
       || ' can select from it: its name, columns and relations show in GraphQL introspection'
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN unnest(%(roles)s::text[]) AS r(role)
WHERE c.relkind IN ('r', 'v', 'm', 'f') AND {_OURS} AND {_not_member("pg_class", "c.oid")}
ORDER BY 1
""",
)

CHECKS = (
    RLS,
    SEARCH_PATH,
    DEFINER_ANON,
    FK_INDEX,
    TABLE_PRIVILEGES,
    DEFAULT_PRIVILEGES,
    EXTENSION_PUBLIC,
    GRAPHQL,
)


class NotSupabaseLike(Exception):
    """The database lacks what the checks reason about (the API roles)."""


def run_checks(conn: psycopg.Connection[Any], grants: Grants) -> list[Result]:
    """Every check's inspected objects, in check order; read-only."""
    missing = [
        role
        for role in API_ROLES
        if conn.execute("SELECT to_regrole(%s) IS NULL", (role,)).fetchone() == (True,)
    ]
    if missing:
        raise NotSupabaseLike(
            f"role(s) {', '.join(missing)} do not exist: point the advisors at a Supabase "
            "database or one the app's migrations ran on (the auth shim creates them)"
        )
    allowed = {role: {t: sorted(p) for t, p in tables.items()} for role, tables in grants.items()}
    params = {
        "managed": list(MANAGED_SCHEMAS),
        "roles": list(API_ROLES),
        "allowed": json.dumps(allowed),
    }
    results: list[Result] = []
    for check in CHECKS:
        for obj, ok, detail in conn.execute(check.sql, params).fetchall():
            results.append(Result(check, obj, bool(ok), detail or ""))
    return results
