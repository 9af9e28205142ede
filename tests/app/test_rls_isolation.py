"""Another organization's rows cannot be read, changed or deleted: through the API, and
directly in SQL as the `authenticated` role with forged-looking but valid claims."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

import psycopg
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.app import seed
from tests.app.identity import Identity

FAST = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@dataclass(frozen=True)
class Org:
    id: uuid.UUID
    advisor: seed.Member
    admin: seed.Member
    student: uuid.UUID
    application: uuid.UUID
    note: uuid.UUID
    reminder: uuid.UUID


def make_org(dsn: str, name: str) -> Org:
    org = seed.organization(dsn, name)
    advisor = seed.member(dsn, org, "advisor")
    admin = seed.member(dsn, org, "admin")
    student = seed.student(dsn, org, "Secret", f"Student{name[:3]}")
    with psycopg.connect(dsn) as conn:
        app_id = conn.execute(
            "INSERT INTO applications (organization_id, student_id, company, role) "
            "VALUES (%s, %s, 'Acme', 'Intern') RETURNING id",
            (org, student),
        ).fetchone()
        note_id = conn.execute(
            "INSERT INTO notes (organization_id, student_id, body) VALUES (%s, %s, 'private') "
            "RETURNING id",
            (org, student),
        ).fetchone()
        rem_id = conn.execute(
            "INSERT INTO reminders (organization_id, student_id, staff_id, due_at, subject) "
            "VALUES (%s, %s, %s, now() + interval '1 day', 'call') RETURNING id",
            (org, student, advisor.staff_id),
        ).fetchone()
    assert app_id and note_id and rem_id
    return Org(org, advisor, admin, student, app_id[0], note_id[0], rem_id[0])


@pytest.fixture(scope="module")
def orgs(module_dsn: str) -> tuple[Org, Org]:
    return make_org(module_dsn, "Alpha"), make_org(module_dsn, "Beta")


def snapshot(dsn: str) -> dict[str, list[tuple[object, ...]]]:
    with psycopg.connect(dsn) as conn:
        return {
            t: conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall()
            for t in ("organizations", "staff", "students", "applications", "notes", "reminders")
        }


def api_attempts(victim: Org) -> list[tuple[str, str, object]]:
    s, a, r = victim.student, victim.application, victim.reminder
    return [
        ("GET", f"/students/{s}", None),
        ("PATCH", f"/students/{s}", {"last_name": "Pwned"}),
        ("POST", f"/students/{s}/archive", None),
        ("GET", f"/students/{s}/notes", None),
        ("POST", f"/students/{s}/notes", {"body": "injected"}),
        ("GET", f"/students/{s}/applications", None),
        ("POST", f"/students/{s}/applications", {"company": "X", "role": "Y"}),
        ("GET", f"/applications/{a}", None),
        ("PATCH", f"/applications/{a}", {"status": "rejected"}),
        ("GET", f"/students/{s}/reminders", None),
        ("POST", f"/students/{s}/reminders", {"due_at": "2030-01-01T00:00:00Z", "subject": "x"}),
        ("DELETE", f"/reminders/{r}", None),
        ("PATCH", f"/staff/{victim.advisor.staff_id}", {"role": "admin"}),
        ("DELETE", f"/staff/{victim.advisor.staff_id}", None),
    ]


@FAST
@given(data=st.data())
def test_api_never_crosses_organizations(
    api: TestClient, identity: Identity, module_dsn: str, orgs: tuple[Org, Org], data: st.DataObject
) -> None:
    attacker_org, victim = data.draw(st.permutations(orgs))
    attacker = data.draw(st.sampled_from([attacker_org.advisor, attacker_org.admin]))
    method, path, body = data.draw(st.sampled_from(api_attempts(victim)))
    before = snapshot(module_dsn)
    r = api.request(
        method,
        path,
        json=body,
        headers={"Authorization": f"Bearer {identity.token(attacker.user_id)}"},
    )
    assert r.status_code in (403, 404), (method, path, r.status_code, r.text)
    assert "Secret" not in r.text and "private" not in r.text
    assert snapshot(module_dsn) == before


@FAST
@given(data=st.data())
def test_search_only_finds_own_organization(
    api: TestClient, identity: Identity, orgs: tuple[Org, Org], data: st.DataObject
) -> None:
    me, other = data.draw(st.permutations(orgs))
    q = data.draw(st.sampled_from(["secret", "student", "sec stu", "example"]))
    r = api.get(
        "/students",
        params={"q": q, "include_archived": True},
        headers={"Authorization": f"Bearer {identity.token(me.advisor.user_id)}"},
    )
    assert r.status_code == 200
    ids = {s["id"] for s in r.json()["items"]}
    assert str(other.student) not in ids


SQL_ATTEMPTS = [
    ("SELECT count(*) FROM students WHERE id = %(student)s", "zero"),
    ("SELECT count(*) FROM notes WHERE student_id = %(student)s", "zero"),
    ("SELECT count(*) FROM applications WHERE id = %(application)s", "zero"),
    ("SELECT count(*) FROM reminders WHERE id = %(reminder)s", "zero"),
    ("SELECT count(*) FROM staff WHERE organization_id = %(org)s", "zero"),
    ("SELECT count(*) FROM organizations WHERE id = %(org)s", "zero"),
    (
        "WITH u AS (UPDATE students SET last_name = 'Pwned' WHERE id = %(student)s RETURNING 1) "
        "SELECT count(*) FROM u",
        "zero",
    ),
    # authenticated holds no DELETE on notes or students (app/migrations/api_grants.toml):
    # refused before RLS is even consulted.
    (
        "WITH d AS (DELETE FROM notes WHERE id = %(note)s RETURNING 1) SELECT count(*) FROM d",
        "error",
    ),
    (
        "WITH d AS (DELETE FROM students WHERE id = %(student)s RETURNING 1) "
        "SELECT count(*) FROM d",
        "error",
    ),
    (
        "WITH d AS (DELETE FROM reminders WHERE id = %(reminder)s RETURNING 1) "
        "SELECT count(*) FROM d",
        "zero",
    ),
    (
        "WITH u AS (UPDATE applications SET status = 'rejected' WHERE id = %(application)s "
        "RETURNING 1) SELECT count(*) FROM u",
        "zero",
    ),
    (
        "WITH u AS (UPDATE staff SET role = 'admin' WHERE organization_id = %(org)s RETURNING 1) "
        "SELECT count(*) FROM u",
        "zero",
    ),
    (
        "INSERT INTO students (organization_id, first_name, last_name, email) "
        "VALUES (%(org)s, 'Mole', 'Planted', 'mole@example.test')",
        "error",
    ),
    (
        "INSERT INTO notes (organization_id, student_id, body) "
        "VALUES (%(org)s, %(student)s, 'injected')",
        "error",
    ),
    (
        "INSERT INTO staff (organization_id, user_id, email, full_name, role) "
        "VALUES (%(org)s, gen_random_uuid(), 'x@example.test', 'Mole', 'admin')",
        "error",
    ),
    ("UPDATE students SET organization_id = %(org)s WHERE id = %(own_student)s", "error"),
]


def as_authenticated(conn: psycopg.Connection, claims: dict[str, object]) -> None:
    conn.execute(
        "SELECT set_config('request.jwt.claims', %s, true), "
        "set_config('role', 'authenticated', true)",
        (json.dumps(claims),),
    )


@FAST
@given(data=st.data())
def test_sql_as_authenticated_never_crosses_organizations(
    module_dsn: str, orgs: tuple[Org, Org], data: st.DataObject
) -> None:
    me, victim = data.draw(st.permutations(orgs))
    caller = data.draw(st.sampled_from([me.advisor, me.admin]))
    sql, expect = data.draw(st.sampled_from(SQL_ATTEMPTS))
    params = {
        "student": victim.student,
        "application": victim.application,
        "note": victim.note,
        "reminder": victim.reminder,
        "org": victim.id,
        "own_student": me.student,
    }
    before = snapshot(module_dsn)
    with psycopg.connect(module_dsn) as conn:
        as_authenticated(conn, {"sub": str(caller.user_id), "role": "authenticated"})
        if expect == "zero":
            row = conn.execute(sql, params).fetchone()
            assert row == (0,), sql
        else:
            with pytest.raises(psycopg.Error):
                conn.execute(sql, params)
        conn.rollback()
    assert snapshot(module_dsn) == before


def test_sql_without_staff_membership_sees_nothing(module_dsn: str, orgs: tuple[Org, Org]) -> None:
    with psycopg.connect(module_dsn) as conn:
        as_authenticated(conn, {"sub": str(uuid.uuid4()), "role": "authenticated"})
        for table in ("organizations", "staff", "students", "applications", "notes", "reminders"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table


def test_sql_sees_own_organization(module_dsn: str, orgs: tuple[Org, Org]) -> None:
    me = orgs[0]
    with psycopg.connect(module_dsn) as conn:
        as_authenticated(conn, {"sub": str(me.advisor.user_id), "role": "authenticated"})
        assert conn.execute(
            "SELECT count(*) FROM students WHERE id = %s", (me.student,)
        ).fetchone() == (1,)
        # Advisors cannot manage staff even in their own organization.
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO staff (organization_id, user_id, email, full_name, role) "
                "VALUES (%s, gen_random_uuid(), 'y@example.test', 'Y', 'advisor')",
                (me.id,),
            )
