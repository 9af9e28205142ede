-- Career Services CRM: every row belongs to one organization (career centre); child rows carry
-- organization_id too, tied to their student by a composite foreign key, so RLS policies stay a
-- single indexed comparison and a row can never point at another organization's student.
CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE TABLE public.organizations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.staff (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
  user_id uuid NOT NULL UNIQUE,  -- Supabase auth.users.id
  email text NOT NULL CHECK (length(email) BETWEEN 3 AND 320),
  full_name text NOT NULL CHECK (length(btrim(full_name)) BETWEEN 1 AND 200),
  role text NOT NULL CHECK (role IN ('advisor', 'admin')),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (id, organization_id)
);
CREATE INDEX staff_organization_idx ON public.staff (organization_id);

CREATE TABLE public.students (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
  first_name text NOT NULL CHECK (length(btrim(first_name)) BETWEEN 1 AND 100),
  last_name text NOT NULL CHECK (length(btrim(last_name)) BETWEEN 1 AND 100),
  email text NOT NULL CHECK (length(email) BETWEEN 3 AND 320),
  archived_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  search_vector tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', first_name || ' ' || last_name || ' ' || email)
  ) STORED,
  UNIQUE (id, organization_id)
);
-- The seed's GIN full-text index over first name, last name and email.
CREATE INDEX students_search_idx ON public.students USING gin (search_vector);
-- Keyset pagination order for listing and for ranking search matches.
CREATE INDEX students_org_name_idx ON public.students (organization_id, last_name, first_name, id);
CREATE UNIQUE INDEX students_org_email_idx ON public.students (organization_id, lower(email));

CREATE TABLE public.applications (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL,
  student_id uuid NOT NULL,
  company text NOT NULL CHECK (length(btrim(company)) BETWEEN 1 AND 200),
  role text NOT NULL CHECK (length(btrim(role)) BETWEEN 1 AND 200),
  status text NOT NULL DEFAULT 'applied'
    CHECK (status IN ('applied', 'interviewing', 'offer', 'accepted', 'declined', 'rejected')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (student_id, organization_id)
    REFERENCES public.students (id, organization_id) ON DELETE CASCADE
);
CREATE INDEX applications_student_status_idx ON public.applications (student_id, status);

CREATE TABLE public.notes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL,
  student_id uuid NOT NULL,
  author_staff_id uuid,
  body text NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 10000),
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (student_id, organization_id)
    REFERENCES public.students (id, organization_id) ON DELETE CASCADE,
  FOREIGN KEY (author_staff_id) REFERENCES public.staff (id) ON DELETE SET NULL
);
CREATE INDEX notes_student_created_idx ON public.notes (student_id, created_at DESC);

CREATE TABLE public.reminders (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL,
  student_id uuid NOT NULL,
  staff_id uuid NOT NULL,
  due_at timestamptz NOT NULL,
  subject text NOT NULL CHECK (length(btrim(subject)) BETWEEN 1 AND 200),
  body text NOT NULL DEFAULT '' CHECK (length(body) <= 10000),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error text,
  provider_message_id text,
  sent_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (student_id, organization_id)
    REFERENCES public.students (id, organization_id) ON DELETE CASCADE,
  FOREIGN KEY (staff_id, organization_id)
    REFERENCES public.staff (id, organization_id) ON DELETE CASCADE
);
-- The worker's claim query: due pending reminders in due order.
CREATE INDEX reminders_due_idx ON public.reminders (next_attempt_at) WHERE status = 'pending';
CREATE INDEX reminders_student_idx ON public.reminders (student_id, due_at);

-- The pipeline applied -> interviewing -> offer -> accepted/declined, rejected from any open
-- stage. Enforced in the database so no client can skip it.
CREATE FUNCTION public.application_transition_allowed(old_status text, new_status text)
RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT old_status = new_status OR (old_status, new_status) IN (
    ('applied', 'interviewing'), ('applied', 'rejected'),
    ('interviewing', 'offer'), ('interviewing', 'rejected'),
    ('offer', 'accepted'), ('offer', 'declined'), ('offer', 'rejected')
  )
$$;

CREATE FUNCTION public.applications_check_transition() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT public.application_transition_allowed(OLD.status, NEW.status) THEN
    RAISE EXCEPTION 'application status cannot go from % to %', OLD.status, NEW.status
      USING ERRCODE = 'check_violation', CONSTRAINT = 'application_status_transition';
  END IF;
  NEW.updated_at := now();
  RETURN NEW;
END
$$;
CREATE TRIGGER applications_transition BEFORE UPDATE OF status ON public.applications
  FOR EACH ROW EXECUTE FUNCTION public.applications_check_transition();
