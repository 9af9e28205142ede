-- Row level security on every table: staff see only their organization's rows; only admins
-- manage staff. The helpers are SECURITY DEFINER so policies can read staff without recursing
-- into staff's own policies; policies call them through (SELECT ...) so Postgres evaluates them
-- once per statement instead of once per row.
CREATE SCHEMA IF NOT EXISTS private;
REVOKE ALL ON SCHEMA private FROM PUBLIC;
GRANT USAGE ON SCHEMA private TO authenticated, service_role;

CREATE FUNCTION private.current_organization_id() RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT s.organization_id FROM public.staff s WHERE s.user_id = auth.uid()
$$;

CREATE FUNCTION private.current_staff_id() RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT s.id FROM public.staff s WHERE s.user_id = auth.uid()
$$;

CREATE FUNCTION private.current_user_is_admin() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT coalesce(
    (SELECT s.role = 'admin' FROM public.staff s WHERE s.user_id = auth.uid()), false)
$$;

REVOKE ALL ON FUNCTION private.current_organization_id(), private.current_staff_id(),
  private.current_user_is_admin() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION private.current_organization_id(), private.current_staff_id(),
  private.current_user_is_admin() TO authenticated, service_role;

ALTER TABLE public.organizations ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.staff ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.students ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.applications ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.reminders ENABLE ROW LEVEL SECURITY;

-- Organizations: members read their own; admins rename it. Creating organizations is an
-- operator task (service role), not an API one.
CREATE POLICY organizations_select ON public.organizations FOR SELECT TO authenticated
  USING (id = (SELECT private.current_organization_id()));
CREATE POLICY organizations_update ON public.organizations FOR UPDATE TO authenticated
  USING (id = (SELECT private.current_organization_id()) AND (SELECT private.current_user_is_admin()))
  WITH CHECK (id = (SELECT private.current_organization_id()));

-- Staff: everyone sees colleagues; only admins add, change or remove staff, in their own org.
CREATE POLICY staff_select ON public.staff FOR SELECT TO authenticated
  USING (organization_id = (SELECT private.current_organization_id()));
CREATE POLICY staff_insert ON public.staff FOR INSERT TO authenticated
  WITH CHECK (organization_id = (SELECT private.current_organization_id())
              AND (SELECT private.current_user_is_admin()));
CREATE POLICY staff_update ON public.staff FOR UPDATE TO authenticated
  USING (organization_id = (SELECT private.current_organization_id())
         AND (SELECT private.current_user_is_admin()))
  WITH CHECK (organization_id = (SELECT private.current_organization_id()));
CREATE POLICY staff_delete ON public.staff FOR DELETE TO authenticated
  USING (organization_id = (SELECT private.current_organization_id())
         AND (SELECT private.current_user_is_admin())
         AND user_id <> (SELECT auth.uid()));

-- Students, applications, notes, reminders: any staff member of the organization.
CREATE POLICY students_all ON public.students FOR ALL TO authenticated
  USING (organization_id = (SELECT private.current_organization_id()))
  WITH CHECK (organization_id = (SELECT private.current_organization_id()));
CREATE POLICY applications_all ON public.applications FOR ALL TO authenticated
  USING (organization_id = (SELECT private.current_organization_id()))
  WITH CHECK (organization_id = (SELECT private.current_organization_id()));
CREATE POLICY notes_all ON public.notes FOR ALL TO authenticated
  USING (organization_id = (SELECT private.current_organization_id()))
  WITH CHECK (organization_id = (SELECT private.current_organization_id()));
CREATE POLICY reminders_all ON public.reminders FOR ALL TO authenticated
  USING (organization_id = (SELECT private.current_organization_id()))
  WITH CHECK (organization_id = (SELECT private.current_organization_id()));

GRANT USAGE ON SCHEMA public TO authenticated;
GRANT SELECT, UPDATE ON public.organizations TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.staff, public.students, public.applications,
  public.notes, public.reminders TO authenticated;
GRANT ALL ON ALL TABLES IN SCHEMA public TO service_role;
-- Nothing for anon: every endpoint needs a signed-in staff member.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM anon;
