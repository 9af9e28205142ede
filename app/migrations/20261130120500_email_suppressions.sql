-- Addresses Resend reported as bounced or complained about (its signed webhook, see
-- app/email_events.py): the reminder worker sends nothing more to them. Not tenant data:
-- only the API's login role (webhook) and the worker touch it; staff roles get no access.
CREATE TABLE public.email_suppressions (
  email text PRIMARY KEY CHECK (email = lower(email) AND position('@' IN email) > 1),
  reason text NOT NULL CHECK (reason IN ('bounced', 'complained')),
  detail text NOT NULL DEFAULT '' CHECK (length(detail) <= 500),
  event_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE public.email_suppressions ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON public.email_suppressions FROM PUBLIC;
DO $$
BEGIN
  EXECUTE 'REVOKE ALL ON public.email_suppressions FROM anon, authenticated';
EXCEPTION WHEN undefined_object THEN NULL;
END
$$;
