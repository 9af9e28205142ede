"""A Supabase-like PostgreSQL: the roles, grants and schemas a new Supabase project starts with.

Why: the advisor checks (app/advisors) must see what Supabase's defaults do to our schema, and
plain PostgreSQL has none of them. What is modelled, and from where (supabase/postgres,
migrations/db/ - `migrate.sh` runs `init-scripts/*` as `postgres` while it is still a
superuser, then `migrations/*` as `supabase_admin`):

- `supabase_admin` is the bootstrap superuser; `postgres` is the non-superuser that runs our
  migrations (`10000000000000_demote-postgres.sql`: NOSUPERUSER CREATEDB CREATEROLE LOGIN
  REPLICATION BYPASSRLS) and owns the database.
- `anon`, `authenticated` (NOLOGIN NOINHERIT), `service_role` (NOLOGIN NOINHERIT BYPASSRLS),
  `authenticator` (LOGIN NOINHERIT, member of the three); the API roles' statement timeouts
  (`init-scripts/00000000000000-initial-schema.sql`).
- The default privileges in `public` that same script sets, for objects created by `postgres`
  and by `supabase_admin`: ALL on tables, functions and sequences to postgres, anon,
  authenticated and service_role (ALL on a table includes TRUNCATE, which ignores RLS).
- The `extensions` schema with uuid-ossp and pgcrypto in it, USAGE for the API roles.
- `auth` and `storage` stand-ins owned by their admin roles (auth.users, auth.uid/jwt/role;
  storage.buckets/objects with RLS), as `init-scripts/00000000000001-auth-schema.sql` and
  `...02-storage-schema.sql` create them (only the parts our schema or the checks touch).
- pg_graphql: not installable here. The advisors decide "exposed through GraphQL" from
  `pg_extension` (is pg_graphql installed?) plus the API roles' column privileges, so the
  stand-in is a catalog row named pg_graphql (schema `graphql`) owning `graphql.resolve` and
  the `graphql_public.graphql` wrapper, granted as
  `migrations/20260820000001_rescope_pg_graphql_access_trigger.sql` grants them. It is owned
  by `postgres`, which is what supautils' privileged extensions give `postgres` on Supabase (it
  may drop pg_graphql; Supabase's docs: `drop extension if exists pg_graphql`), so `DROP
  EXTENSION pg_graphql` really removes it, dependencies and all.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from tests.support.postgres import PostgresServer, running_postgres

SUPERUSER = "supabase_admin"
MIGRATOR = "postgres"

CLUSTER_SQL = """
CREATE ROLE postgres LOGIN NOSUPERUSER CREATEDB CREATEROLE REPLICATION BYPASSRLS;
CREATE ROLE anon NOLOGIN NOINHERIT;
CREATE ROLE authenticated NOLOGIN NOINHERIT;
CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS;
CREATE ROLE authenticator LOGIN NOINHERIT;
GRANT anon, authenticated, service_role TO authenticator;
CREATE ROLE supabase_auth_admin LOGIN NOINHERIT CREATEROLE;
CREATE ROLE supabase_storage_admin LOGIN NOINHERIT CREATEROLE;
ALTER ROLE anon SET statement_timeout = '3s';
ALTER ROLE authenticated SET statement_timeout = '8s';
"""

DATABASE_SQL = """
GRANT ALL ON DATABASE current_database_placeholder TO postgres;

CREATE SCHEMA extensions;
CREATE EXTENSION "uuid-ossp" WITH SCHEMA extensions;
CREATE EXTENSION pgcrypto WITH SCHEMA extensions;
GRANT USAGE ON SCHEMA extensions TO postgres, anon, authenticated, service_role;
GRANT ALL ON SCHEMA extensions TO postgres;

GRANT USAGE ON SCHEMA public TO postgres, anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public
  GRANT ALL ON TABLES TO postgres, anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public
  GRANT ALL ON FUNCTIONS TO postgres, anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public
  GRANT ALL ON SEQUENCES TO postgres, anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE supabase_admin IN SCHEMA public
  GRANT ALL ON TABLES TO postgres, anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE supabase_admin IN SCHEMA public
  GRANT ALL ON FUNCTIONS TO postgres, anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE supabase_admin IN SCHEMA public
  GRANT ALL ON SEQUENCES TO postgres, anon, authenticated, service_role;

-- auth: Supabase Auth's schema (stand-in: what our policies and the checks touch).
CREATE SCHEMA auth AUTHORIZATION supabase_auth_admin;
CREATE TABLE auth.users (id uuid PRIMARY KEY, email text, created_at timestamptz DEFAULT now());
CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$
  SELECT coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;
CREATE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )
$$;
CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;
ALTER TABLE auth.users OWNER TO supabase_auth_admin;
ALTER FUNCTION auth.uid() OWNER TO supabase_auth_admin;
ALTER FUNCTION auth.role() OWNER TO supabase_auth_admin;
ALTER FUNCTION auth.jwt() OWNER TO supabase_auth_admin;
GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role, postgres;
GRANT ALL ON ALL TABLES IN SCHEMA auth TO postgres;

-- storage: Supabase Storage's schema (stand-in), RLS on as Storage ships it.
CREATE SCHEMA storage AUTHORIZATION supabase_storage_admin;
CREATE TABLE storage.buckets (id text PRIMARY KEY, name text NOT NULL, public boolean);
CREATE TABLE storage.objects (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  bucket_id text REFERENCES storage.buckets (id),
  name text
);
ALTER TABLE storage.buckets ENABLE ROW LEVEL SECURITY;
ALTER TABLE storage.objects ENABLE ROW LEVEL SECURITY;
ALTER TABLE storage.buckets OWNER TO supabase_storage_admin;
ALTER TABLE storage.objects OWNER TO supabase_storage_admin;
GRANT USAGE ON SCHEMA storage TO anon, authenticated, service_role, postgres;
GRANT ALL ON ALL TABLES IN SCHEMA storage TO anon, authenticated, service_role, postgres;

-- pg_graphql stand-in (see the module docstring): the extension row owns its objects.
CREATE SCHEMA graphql;
CREATE SCHEMA graphql_public;
CREATE FUNCTION graphql.resolve(
  query text DEFAULT NULL, variables jsonb DEFAULT '{}', "operationName" text DEFAULT NULL,
  extensions jsonb DEFAULT NULL
) RETURNS jsonb LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT jsonb_build_object('errors', jsonb_build_array(jsonb_build_object(
    'message', 'pg_graphql stand-in: reflection is not modelled')))
$$;
CREATE FUNCTION graphql_public.graphql(
  "operationName" text DEFAULT NULL, query text DEFAULT NULL, variables jsonb DEFAULT NULL,
  extensions jsonb DEFAULT NULL
) RETURNS jsonb LANGUAGE sql SET search_path = '' AS $$
  SELECT graphql.resolve(query, coalesce(variables, '{}'), "operationName", extensions)
$$;
INSERT INTO pg_catalog.pg_extension
  (oid, extname, extowner, extnamespace, extrelocatable, extversion)
SELECT (SELECT max(oid::int8) + 1 FROM pg_catalog.pg_extension)::oid, 'pg_graphql',
       'postgres'::regrole, 'graphql'::regnamespace, false, '1.5.11';
ALTER EXTENSION pg_graphql ADD FUNCTION graphql.resolve(text, jsonb, text, jsonb);
ALTER EXTENSION pg_graphql ADD FUNCTION graphql_public.graphql(text, text, jsonb, jsonb);
GRANT USAGE ON SCHEMA graphql, graphql_public TO postgres, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION graphql.resolve(text, jsonb, text, jsonb),
  graphql_public.graphql(text, text, jsonb, jsonb) TO postgres, anon, authenticated, service_role;
"""


@contextmanager
def running_supabase_postgres() -> Iterator[PostgresServer]:
    """A cluster whose superuser is supabase_admin, with Supabase's cluster-wide roles."""
    with running_postgres(superuser=SUPERUSER) as server:
        server.psql("postgres", CLUSTER_SQL)
        yield server


def create_supabase_database(server: PostgresServer, name: str) -> str:
    """A database as a new Supabase project has it; returns the DSN migrations use (postgres)."""
    server.psql("postgres", f'CREATE DATABASE "{name}" OWNER {MIGRATOR}')
    server.psql(name, DATABASE_SQL.replace("current_database_placeholder", f'"{name}"'))
    return server.dsn(name, user=MIGRATOR)
