"""The old CRM's tokens during the move: the real API accepts them (mapped to the imported
user, so row level security applies) until the configured end date and not after; the
audit fails a window that has passed or that exceeds 90 days."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, date, datetime, timedelta

import jwt
import psycopg
from fastapi.testclient import TestClient

from app.legacy_tokens import LegacyTokens, legacy_user_id
from app.main import create_app
from tests.app import seed
from tests.app.conftest import app_settings
from tests.app.identity import Identity
from tests.policies.conftest import run
from tests.support.config import problems
from tests.support.plan import make_graph

ISSUER = "https://crm.old.example.edu"
SECRET = "old-crm-secret-for-tests-only-0123456789abcdef"


def old_token(sub: str, secret: str = SECRET, **extra: object) -> str:
    claims = {"sub": sub, "iss": ISSUER, "exp": int(time.time()) + 600, **extra}
    return jwt.encode(claims, secret, "HS256")


def imported_advisor(dsn: str, old_id: str) -> uuid.UUID:
    org = seed.organization(dsn, "Legacy Centre")
    with psycopg.connect(dsn) as conn:
        conn.execute(
            "INSERT INTO staff (organization_id, user_id, email, full_name, role) "
            "VALUES (%s, %s, 'old@example.test', 'Old Advisor', 'advisor')",
            (org, legacy_user_id(old_id)),
        )
    return org


def client(dsn: str, identity: Identity, until: date) -> TestClient:
    legacy = LegacyTokens(ISSUER, SECRET, until)
    return TestClient(create_app(app_settings(dsn, identity, legacy_tokens=legacy)))


def test_old_tokens_work_until_the_end_date_and_not_after(crm_dsn: str, identity: Identity) -> None:
    imported_advisor(crm_dsn, "42")
    today = datetime.now(UTC).date()
    with client(crm_dsn, identity, today) as api:
        me = api.get("/me", headers={"Authorization": f"Bearer {old_token('42')}"})
        assert me.status_code == 200, me.text
        assert me.json()["organization"]["name"] == "Legacy Centre"
        forged = api.get("/me", headers={"Authorization": f"Bearer {old_token('42', 'x' * 40)}"})
        assert forged.status_code == 401
        stranger = api.get("/me", headers={"Authorization": f"Bearer {old_token('43')}"})
        assert stranger.status_code == 403  # a valid old token, but no imported staff row
    with client(crm_dsn, identity, today - timedelta(days=1)) as api:
        late = api.get("/me", headers={"Authorization": f"Bearer {old_token('42')}"})
        assert late.status_code == 401 and "accepted until" in late.json()["detail"]


def _window_findings(since: date, until: date) -> list[str]:
    graph = make_graph(
        **{
            "app.legacyCrmIssuer": ISSUER,
            "app.legacyCrmTokensSince": since.isoformat(),
            "app.legacyCrmTokensUntil": until.isoformat(),
        }
    )
    findings = run(graph.data, graph.options).findings
    return [f.message for f in findings if f.policy_id == "CRM-APP-001"]


def test_audit_fails_a_passed_or_too_long_window() -> None:
    today = datetime.now(UTC).date()
    assert _window_findings(today - timedelta(days=30), today + timedelta(days=30)) == []
    assert any(
        "has passed" in m
        for m in _window_findings(today - timedelta(days=60), today - timedelta(days=1))
    )
    assert any("91 days" in m for m in _window_findings(today, today + timedelta(days=91)))


def test_window_config_is_checked() -> None:
    found = problems(
        **{
            "app.legacyCrmIssuer": ISSUER,
            "app.legacyCrmTokensSince": "2027-03-01",
            "app.legacyCrmTokensUntil": "2027-02-01",
        }
    )
    assert any("app.legacyCrmTokensUntil: must not be before" in p for p in found)
    found = problems(**{"app.legacyCrmIssuer": ISSUER})
    assert any("app.legacyCrmTokensUntil: is required" in p for p in found)
