"""EXPLAIN proves the API's hot queries use their indexes, planned as the `authenticated`
role with RLS on, on enough rows (30,000 students) that a sequential scan would show.

The search runs inside public.search_students(); auto_explain (nested statements, sent to the
client as NOTICEs) shows the plan of the query inside the function, as the API calls it."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from app.routes.students import SEARCH_SQL, list_sql, tsquery
from app.worker import CLAIM_SQL
from tests.app import seed

SEED = """
INSERT INTO students (organization_id, first_name, last_name, email)
SELECT %(org)s, 'first' || i, 'lname' || (i %% 5000), 'student' || i || '@example.test'
FROM generate_series(1, 30000) i;
INSERT INTO students (organization_id, first_name, last_name, email)
SELECT %(other)s, 'first' || i, 'lname' || (i %% 5000), 'other' || i || '@example.test'
FROM generate_series(1, 3000) i;
INSERT INTO applications (organization_id, student_id, company, role, status)
SELECT organization_id, id, 'Acme', 'Intern', (ARRAY['applied','interviewing','offer'])[1 + i %% 3]
FROM (SELECT organization_id, id, row_number() OVER () i FROM students) s;
INSERT INTO notes (organization_id, student_id, body, created_at)
SELECT organization_id, id, 'note', now() - make_interval(days => g)
FROM students, generate_series(1, 2) g;
INSERT INTO reminders (organization_id, student_id, staff_id, due_at, subject, status,
                       next_attempt_at)
SELECT s.organization_id, s.id, %(staff)s, now() + make_interval(days => 1),
       's', CASE WHEN row_number() OVER () %% 10 = 0 THEN 'pending' ELSE 'sent' END,
       now() + make_interval(days => 1)
FROM students s WHERE s.organization_id = %(org)s;
"""


@pytest.fixture(scope="module")
def planned(module_dsn: str) -> Iterator[tuple[str, seed.Member, uuid.UUID]]:
    org, other = seed.organization(module_dsn, "Big"), seed.organization(module_dsn, "Small")
    who = seed.member(module_dsn, org)
    with psycopg.connect(module_dsn) as conn:
        for statement in SEED.split(";"):
            if statement.strip():
                conn.execute(statement, {"org": org, "other": other, "staff": who.staff_id})
        sid = conn.execute(
            "SELECT id FROM students WHERE organization_id = %s LIMIT 1", (org,)
        ).fetchone()
    with psycopg.connect(module_dsn, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    assert sid is not None
    yield module_dsn, who, sid[0]


def indexes_used(
    dsn: str, who: seed.Member, sql: str, params: Any, as_user: bool = True
) -> set[str]:
    with psycopg.connect(dsn) as conn:
        if as_user:
            conn.execute(
                "SELECT set_config('request.jwt.claims', %s, true), "
                "set_config('role', 'authenticated', true)",
                (json.dumps({"sub": str(who.user_id), "role": "authenticated"}),),
            )
        plan = conn.execute(f"EXPLAIN (FORMAT JSON) {sql}", params).fetchone()
        conn.rollback()
    assert plan is not None
    found: set[str] = set()
    seq: set[str] = set()

    def walk(node: dict[str, Any]) -> None:
        if "Index Name" in node:
            found.add(node["Index Name"])
        if node.get("Node Type") == "Seq Scan":
            seq.add(node["Relation Name"])
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0][0]["Plan"])
    # staff and email_suppressions are per-career-centre lookups (tens of rows, a bounce
    # list); the planner rightly scans them whole. The reminders themselves must not be.
    assert not (seq - {"staff", "email_suppressions"}), f"sequential scan on {seq}"
    return found


def nested_plans(dsn: str, who: seed.Member, sql: str, params: Any) -> list[dict[str, Any]]:
    notices: list[str] = []
    with psycopg.connect(dsn) as conn:
        conn.add_notice_handler(lambda diag: notices.append(diag.message_primary or ""))
        conn.execute("LOAD 'auto_explain'")
        for setting, value in (
            ("log_min_duration", "0"),
            ("log_nested_statements", "on"),
            ("log_format", "json"),
            ("log_level", "notice"),
        ):
            conn.execute(f"SET auto_explain.{setting} = {value}")
        conn.execute(
            "SELECT set_config('request.jwt.claims', %s, true), "
            "set_config('role', 'authenticated', true)",
            (json.dumps({"sub": str(who.user_id), "role": "authenticated"}),),
        )
        rows = conn.execute(sql, params).fetchall()
        conn.rollback()
    assert rows, "the search found nothing: the seed and the query disagree"
    plans = []
    for text in notices:
        if "{" in text:
            plans.append(json.loads(text[text.index("{") :])["Plan"])
    return plans


def walk(node: dict[str, Any], found: set[str], seq: set[str]) -> None:
    if "Index Name" in node:
        found.add(node["Index Name"])
    if node.get("Node Type") == "Seq Scan":
        seq.add(node["Relation Name"])
    for child in node.get("Plans", []):
        walk(child, found, seq)


@pytest.mark.parametrize("words", ["lname123", "lname4999 first4999", "student77@example"])
def test_search_uses_the_gin_full_text_index(
    planned: tuple[str, seed.Member, uuid.UUID], words: str
) -> None:
    dsn, who, _ = planned
    params = {
        "tsq": tsquery(words),
        "archived": False,
        "ln": None,
        "fn": None,
        "id": None,
        "limit": 21,
    }
    found: set[str] = set()
    seq: set[str] = set()
    for plan in nested_plans(dsn, who, SEARCH_SQL, params):
        walk(plan, found, seq)
    assert "students_org_search_idx" in found, (found, seq)
    assert "students" not in seq


def test_listing_pages_use_the_keyset_index(planned: tuple[str, seed.Member, uuid.UUID]) -> None:
    dsn, who, _ = planned
    sql = list_sql(include_archived=False, after=True)
    used = indexes_used(
        dsn,
        who,
        sql,
        {
            "org": who.organization_id,
            "limit": 21,
            "ln": "lname2",
            "fn": "first2",
            "id": uuid.uuid4(),
        },
    )
    assert "students_org_name_idx" in used


def test_student_notes_and_applications_use_their_indexes(
    planned: tuple[str, seed.Member, uuid.UUID],
) -> None:
    dsn, who, sid = planned
    by_id = indexes_used(dsn, who, "SELECT * FROM students WHERE id = %s", (sid,))
    assert by_id & {"students_pkey", "students_id_organization_id_key"}, by_id
    assert "notes_student_created_idx" in indexes_used(
        dsn,
        who,
        "SELECT * FROM notes WHERE student_id = %s ORDER BY created_at DESC LIMIT 21",
        (sid,),
    )
    assert "applications_student_status_idx" in indexes_used(
        dsn, who, "SELECT * FROM applications WHERE student_id = %s AND status = 'offer'", (sid,)
    )


def test_worker_claim_uses_the_partial_due_index(
    planned: tuple[str, seed.Member, uuid.UUID],
) -> None:
    dsn, who, _ = planned
    assert "reminders_due_idx" in indexes_used(dsn, who, CLAIM_SQL, None, as_user=False)
