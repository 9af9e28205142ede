"""The CRM resources through the API, in-process on a real PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from tests.app import seed
from tests.app.identity import Identity


@pytest.fixture(scope="module")
def org(module_dsn: str) -> uuid.UUID:
    return seed.organization(module_dsn, "Resources Centre")


@pytest.fixture(scope="module")
def admin(module_dsn: str, org: uuid.UUID) -> seed.Member:
    return seed.member(module_dsn, org, "admin")


@pytest.fixture(scope="module")
def advisor(module_dsn: str, org: uuid.UUID) -> seed.Member:
    return seed.member(module_dsn, org, "advisor")


def auth(identity: Identity, who: seed.Member) -> dict[str, str]:
    return {"Authorization": f"Bearer {identity.token(who.user_id)}"}


def test_student_lifecycle(api: TestClient, identity: Identity, advisor: seed.Member) -> None:
    h = auth(identity, advisor)
    r = api.post(
        "/students",
        json={"first_name": "Grace", "last_name": "Hopper", "email": "grace.hopper@example.test"},
        headers=h,
    )
    assert r.status_code == 201, r.text
    sid = r.json()["id"]
    assert api.get(f"/students/{sid}", headers=h).json()["last_name"] == "Hopper"
    r = api.patch(f"/students/{sid}", json={"first_name": "Amazing Grace"}, headers=h)
    assert r.status_code == 200 and r.json()["first_name"] == "Amazing Grace"
    found = api.get("/students", params={"q": "amaz hop"}, headers=h).json()["items"]
    assert [s["id"] for s in found] == [sid]
    r = api.post(f"/students/{sid}/archive", headers=h)
    assert r.status_code == 200 and r.json()["archived_at"]
    assert api.get("/students", params={"q": "hopper"}, headers=h).json()["items"] == []
    found = api.get(
        "/students", params={"q": "hopper", "include_archived": True}, headers=h
    ).json()["items"]
    assert [s["id"] for s in found] == [sid]


def test_search_by_email_and_keyset_pages(
    api: TestClient, identity: Identity, module_dsn: str, advisor: seed.Member
) -> None:
    ids = {
        seed.student(
            module_dsn, advisor.organization_id, f"Page{i:02d}", "Turing", f"turing{i}@example.test"
        )
        for i in range(25)
    }
    h = auth(identity, advisor)
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"q": "turing", "limit": 10}
        if cursor:
            params["cursor"] = cursor
        page = api.get("/students", params=params, headers=h).json()
        seen += [s["id"] for s in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 25 and {uuid.UUID(s) for s in seen} == ids
    assert seen == sorted(seen, key=lambda s: seen.index(s))  # no repeats across pages
    by_email = api.get("/students", params={"q": "turing7@example.test"}, headers=h).json()
    assert [s["email"] for s in by_email["items"]] == ["turing7@example.test"]
    partial = api.get("/students", params={"q": "turing7@exam"}, headers=h).json()
    assert [s["email"] for s in partial["items"]] == ["turing7@example.test"]


def test_application_pipeline_enforced(
    api: TestClient, identity: Identity, module_dsn: str, advisor: seed.Member
) -> None:
    sid = seed.student(module_dsn, advisor.organization_id, "Katherine", "Johnson")
    h = auth(identity, advisor)
    r = api.post(
        f"/students/{sid}/applications", json={"company": "NASA", "role": "Analyst"}, headers=h
    )
    assert r.status_code == 201 and r.json()["status"] == "applied"
    aid = r.json()["id"]
    r = api.patch(f"/applications/{aid}", json={"status": "offer"}, headers=h)
    assert r.status_code == 409
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "allowed next: interviewing, rejected" in r.json()["detail"]
    for status in ("interviewing", "offer", "accepted"):
        r = api.patch(f"/applications/{aid}", json={"status": status}, headers=h)
        assert r.status_code == 200 and r.json()["status"] == status
    assert (
        api.patch(f"/applications/{aid}", json={"status": "rejected"}, headers=h).status_code == 409
    )
    listed = api.get(f"/students/{sid}/applications", headers=h).json()
    assert [a["id"] for a in listed] == [aid]


def test_notes_newest_first_with_author(
    api: TestClient, identity: Identity, module_dsn: str, advisor: seed.Member
) -> None:
    sid = seed.student(module_dsn, advisor.organization_id, "Mary", "Jackson")
    h = auth(identity, advisor)
    for i in range(3):
        assert (
            api.post(f"/students/{sid}/notes", json={"body": f"note {i}"}, headers=h).status_code
            == 201
        )
    page = api.get(f"/students/{sid}/notes", params={"limit": 2}, headers=h).json()
    assert [n["body"] for n in page["items"]] == ["note 2", "note 1"]
    assert page["items"][0]["author_staff_id"] == str(advisor.staff_id)
    rest = api.get(
        f"/students/{sid}/notes", params={"cursor": page["next_cursor"]}, headers=h
    ).json()
    assert [n["body"] for n in rest["items"]] == ["note 0"] and rest["next_cursor"] is None


def test_reminders_schedule_and_cancel(
    api: TestClient, identity: Identity, module_dsn: str, advisor: seed.Member
) -> None:
    sid = seed.student(module_dsn, advisor.organization_id, "Dorothy", "Vaughan")
    h = auth(identity, advisor)
    r = api.post(
        f"/students/{sid}/reminders",
        json={"due_at": "2030-01-02T09:00:00+01:00", "subject": "Follow up on offer"},
        headers=h,
    )
    assert r.status_code == 201, r.text
    rem = r.json()
    assert rem["staff_id"] == str(advisor.staff_id) and rem["status"] == "pending"
    assert api.delete(f"/reminders/{rem['id']}", headers=h).status_code == 204
    assert api.delete(f"/reminders/{rem['id']}", headers=h).status_code == 404


def test_validation_errors_name_each_field(
    api: TestClient, identity: Identity, advisor: seed.Member
) -> None:
    r = api.post(
        "/students",
        json={"first_name": "  ", "email": "not-an-email"},
        headers=auth(identity, advisor),
    )
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert {e["field"] for e in body["errors"]} == {"first_name", "last_name", "email"}
    assert body["status"] == 422 and "first_name" in body["detail"]
    r = api.get("/students", params={"cursor": "garbage"}, headers=auth(identity, advisor))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "cursor"


def test_missing_things_are_404_problems(
    api: TestClient, identity: Identity, advisor: seed.Member
) -> None:
    h = auth(identity, advisor)
    nobody = uuid.uuid4()
    for method, path, body in [
        ("GET", f"/students/{nobody}", None),
        ("PATCH", f"/students/{nobody}", {"last_name": "X"}),
        ("POST", f"/students/{nobody}/notes", {"body": "hi"}),
        ("POST", f"/students/{nobody}/applications", {"company": "A", "role": "B"}),
        ("GET", f"/students/{nobody}/notes", None),
    ]:
        r = api.request(method, path, json=body, headers=h)
        assert r.status_code == 404, (path, r.text)
        assert r.json()["type"] != "" and r.json()["status"] == 404


def test_duplicate_email_in_one_organization_is_a_conflict(
    api: TestClient, identity: Identity, advisor: seed.Member
) -> None:
    h = auth(identity, advisor)
    body = {"first_name": "Twin", "last_name": "One", "email": "twin@example.test"}
    assert api.post("/students", json=body, headers=h).status_code == 201
    r = api.post("/students", json={**body, "email": "TWIN@example.test"}, headers=h)
    assert r.status_code == 409


def test_only_admins_manage_staff(
    api: TestClient, identity: Identity, admin: seed.Member, advisor: seed.Member
) -> None:
    new = {"user_id": str(uuid.uuid4()), "email": "new@example.test", "full_name": "New Hire"}
    r = api.post("/staff", json=new, headers=auth(identity, advisor))
    assert r.status_code == 403
    r = api.post("/staff", json=new, headers=auth(identity, admin))
    assert r.status_code == 201 and r.json()["role"] == "advisor"
    sid = r.json()["id"]
    assert (
        api.patch(
            f"/staff/{sid}", json={"role": "admin"}, headers=auth(identity, advisor)
        ).status_code
        == 403
    )
    assert api.delete(f"/staff/{sid}", headers=auth(identity, admin)).status_code == 204
    me = api.get("/me", headers=auth(identity, advisor)).json()
    assert me["staff"]["id"] == str(advisor.staff_id)
    assert me["organization"]["name"] == "Resources Centre"


def test_signed_in_non_staff_is_forbidden(api: TestClient, identity: Identity) -> None:
    r = api.get("/students", headers={"Authorization": f"Bearer {identity.token(uuid.uuid4())}"})
    assert r.status_code == 403 and "not a staff member" in r.json()["detail"]


def test_health_readiness_and_metrics(
    api: TestClient, identity: Identity, advisor: seed.Member
) -> None:
    assert api.get("/healthz").json() == {"status": "ok"}
    ready = api.get("/readyz")
    assert ready.status_code == 200 and ready.json()["migrations"].endswith("applied")
    api.get("/students", headers=auth(identity, advisor))
    assert api.get("/metrics").status_code == 401
    r = api.get("/metrics", headers={"Authorization": "Bearer fake-metrics-token"})
    assert r.status_code == 200
    text = r.text
    assert (
        'crm_http_request_duration_seconds_count{method="GET",route="/students",'
        'status="200"}' in text
    )
    for name in ("crm_db_pool_size", "crm_reminder_queue_depth", "crm_app_info"):
        assert name in text
    assert r.headers.get("x-request-id")
