-- What Supabase's database advisors (and ours: python -m app.advisors) flagged in the schema,
-- fixed. Each step is safe to run again.

-- 1. Functions resolve names with a fixed, empty search_path, not the caller's (a caller
--    could otherwise shadow what the trigger calls). Their bodies are schema-qualified already.
ALTER FUNCTION public.application_transition_allowed(text, text) SET search_path = '';
ALTER FUNCTION public.applications_check_transition() SET search_path = '';

-- 2. Every foreign key gets an index that starts with its columns, so deleting a staff member
--    or a student is an index lookup in each child table, not a scan of it. The per-student
--    listing indexes gain organization_id after student_id (names kept): they now start with
--    the (student_id, organization_id) keys and still serve the listing's order, with the
--    RLS organization filter as an index condition.
CREATE INDEX IF NOT EXISTS notes_author_staff_idx ON public.notes (author_staff_id);
CREATE INDEX IF NOT EXISTS reminders_staff_idx ON public.reminders (staff_id, organization_id);
DO $$
DECLARE
  want record;
BEGIN
  FOR want IN
    SELECT * FROM (VALUES
      ('applications_student_status_idx', 'applications', 'student_id, organization_id, status'),
      ('notes_student_created_idx', 'notes', 'student_id, organization_id, created_at DESC'),
      ('reminders_student_idx', 'reminders', 'student_id, organization_id, due_at')
    ) AS v(name, tbl, cols)
  LOOP
    IF NOT EXISTS (
      SELECT 1 FROM pg_catalog.pg_indexes
      WHERE schemaname = 'public' AND indexname = want.name
        AND indexdef LIKE '%(' || want.cols || ')'
    ) THEN
      EXECUTE format('DROP INDEX IF EXISTS public.%I', want.name);
      EXECUTE format('CREATE INDEX %I ON public.%I (%s)', want.name, want.tbl, want.cols);
    END IF;
  END LOOP;
END
$$;

-- 3. The API roles hold exactly what app/migrations/api_grants.toml lists (what the API's SQL
--    uses). Supabase's default privileges had given anon and authenticated ALL on every table:
--    TRUNCATE (which ignores RLS), REFERENCES, TRIGGER, and INSERT/DELETE on organizations.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM anon, authenticated;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM anon, authenticated;
GRANT SELECT, UPDATE ON public.organizations TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.staff, public.reminders TO authenticated;
GRANT SELECT, INSERT, UPDATE ON public.students, public.applications TO authenticated;
GRANT SELECT, INSERT ON public.notes TO authenticated;

-- ...and so do objects created later by the role running the migrations: no table, sequence
-- or function privilege for anon/authenticated in public, and no EXECUTE for PUBLIC on new
-- functions anywhere (a new SECURITY DEFINER function is then callable only by the roles its
-- migration grants). Supabase's defaults for supabase_admin's objects are not ours to change
-- (postgres is not a member of supabase_admin) and no object of ours is created by it.
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM anon, authenticated;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM anon, authenticated;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON FUNCTIONS FROM anon, authenticated;
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

-- 4. No extension in public. On Supabase pgcrypto is pre-installed in `extensions`, so the
--    CRM schema's CREATE EXTENSION IF NOT EXISTS pgcrypto did nothing there; on a plain
--    PostgreSQL (local, CI, the restore drill) it landed in public. Nothing uses it:
--    gen_random_uuid() is built in since PostgreSQL 13, so the defaults call pg_catalog's.
CREATE SCHEMA IF NOT EXISTS extensions;
DO $$
DECLARE
  ext record;
BEGIN
  FOR ext IN
    SELECT e.extname, e.extrelocatable FROM pg_catalog.pg_extension e
    WHERE e.extnamespace = 'public'::regnamespace
  LOOP
    IF NOT ext.extrelocatable THEN
      RAISE EXCEPTION 'extension % is installed in public and is not relocatable: drop it '
        'and create it WITH SCHEMA extensions', ext.extname;
    END IF;
    EXECUTE format('ALTER EXTENSION %I SET SCHEMA extensions', ext.extname);
  END LOOP;
END
$$;

-- 5. pg_graphql off. The app does not use GraphQL, and with pg_graphql installed every
--    signed-in user could list all tables and columns `authenticated` can read through
--    /graphql/v1 introspection. Projects created before 2026-05-18 have it on by default
--    (https://supabase.com/changelog/45329); on newer ones and plain PostgreSQL this is a no-op. Supabase documents disabling it this way
--    (https://supabase.com/docs/guides/database/extensions/pg_graphql); the stack keeps
--    graphql_public out of the Data API's schemas (policy CRM-SB-011).
DROP EXTENSION IF EXISTS pg_graphql;
