-- Email parts become searchable words too: the parser keeps a whole address as one lexeme,
-- so "ada@uni" (a partial address) found nothing. The column is rebuilt with the address
-- split at @ and dots in addition to the whole address; the GIN index with it.
ALTER TABLE public.students DROP COLUMN search_vector;
ALTER TABLE public.students ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
  to_tsvector('simple', first_name || ' ' || last_name || ' ' || email || ' '
              || translate(email, '@.+_-', '     '))
) STORED;
CREATE INDEX students_search_idx ON public.students USING gin (search_vector);

-- Full-text search over students, as a function. Why: under RLS, Postgres may only evaluate
-- leakproof operators before the policy's filter, and the tsvector @@ tsquery operator is not
-- leakproof, so a plain query as `authenticated` can never use the GIN index: every search
-- became a sequential scan of the table. This SECURITY DEFINER function applies the same
-- isolation itself (organization from auth.uid(), no caller-supplied organization) and lets
-- the GIN index answer. Only signed-in users may call it.
CREATE FUNCTION public.search_students(
  query text,
  include_archived boolean DEFAULT false,
  after_last_name text DEFAULT NULL,
  after_first_name text DEFAULT NULL,
  after_id uuid DEFAULT NULL,
  max_rows integer DEFAULT 21
) RETURNS TABLE (
  id uuid, first_name text, last_name text, email text, archived_at timestamptz,
  created_at timestamptz, updated_at timestamptz
)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  WITH matches AS MATERIALIZED (
    SELECT s.id, s.first_name, s.last_name, s.email, s.archived_at, s.created_at,
           s.updated_at
    FROM public.students s
    WHERE s.organization_id = private.current_organization_id()
      AND s.search_vector @@ to_tsquery('simple', query)
      AND (include_archived OR s.archived_at IS NULL)
      AND (after_id IS NULL
           OR (s.last_name, s.first_name, s.id) > (after_last_name, after_first_name, after_id))
  )
  SELECT * FROM matches m
  ORDER BY m.last_name, m.first_name, m.id
  LIMIT least(greatest(max_rows, 1), 101)
$$;

REVOKE ALL ON FUNCTION public.search_students(text, boolean, text, text, uuid, integer)
  FROM PUBLIC, anon;
GRANT EXECUTE ON FUNCTION public.search_students(text, boolean, text, text, uuid, integer)
  TO authenticated;
