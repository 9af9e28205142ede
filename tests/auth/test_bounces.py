"""A bounced or complained-about address gets no further reminder: Resend's signed webhook
reaches the real API (real PostgreSQL), and the real worker then sends nothing to it."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import httpx
import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg.rows import dict_row

from app import email_events
from app.main import create_app
from app.worker import Worker, WorkerSettings
from tests.app import seed
from tests.app.conftest import app_settings
from tests.app.identity import Identity
from tests.app.resend_standin import ResendStandIn
from tests.infra.resend.contract import ContractViolation, validate_event

SECRET = "whsec_" + "dGVzdC1vbmx5LXdlYmhvb2stc2lnbmluZy1rZXk="  # base64 of a test-only key


def test_svix_signature_matches_the_published_example() -> None:
    """Svix's documented example (secret, id, timestamp, body -> signature): an independent
    vector, so our HMAC layout cannot be wrong in the same way as our own sender."""
    headers = {
        "svix-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "svix-timestamp": "1614265330",
        "svix-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    }
    body = b'{"test": 2432232314}'
    email_events.verify("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", headers, body, now=1614265330)
    with pytest.raises(email_events.SignatureError, match="matches"):
        email_events.verify(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", headers, body + b" ", now=1614265330
        )
    with pytest.raises(email_events.SignatureError, match="5 minutes"):
        email_events.verify(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", headers, body, now=1614265330 + 301
        )


def event(kind: str, to: str, bounce_type: str = "Permanent") -> dict[str, Any]:
    data: dict[str, Any] = {
        "email_id": str(uuid.uuid4()),
        "created_at": "2026-11-30T12:00:00.000Z",
        "from": "Career Services <reminders@careers.example.edu>",
        "to": [to],
        "subject": "Reminder: Follow up",
    }
    if kind == "email.bounced":
        data["bounce"] = {
            "diagnosticCode": ["smtp; 550 5.1.1 user unknown"],
            "message": "The recipient's mailbox does not exist.",
            "subType": "General",
            "type": bounce_type,
        }
    payload = {"type": kind, "created_at": "2026-11-30T12:00:01.000Z", "data": data}
    validate_event(payload)  # what Resend documents it sends, not what we hope
    return payload


def post(api: TestClient, payload: dict[str, Any], *, secret: str = SECRET, **over: str) -> Any:
    body = json.dumps(payload).encode()
    msg_id, ts = f"msg_{uuid.uuid4().hex}", str(int(time.time()))
    headers = {
        "svix-id": msg_id,
        "svix-timestamp": ts,
        "svix-signature": email_events.sign(secret, msg_id, ts, body),
        "content-type": "application/json",
        **over,
    }
    return api.post("/v1/webhooks/resend", content=body, headers=headers)


def suppressed(dsn: str) -> dict[str, str]:
    with psycopg.connect(dsn) as conn:
        return dict(conn.execute("SELECT email, reason FROM email_suppressions").fetchall())


def reminder(dsn: str, member: seed.Member, student: uuid.UUID) -> uuid.UUID:
    with psycopg.connect(dsn) as conn:
        row = conn.execute(
            "INSERT INTO reminders (organization_id, student_id, staff_id, due_at, subject, body,"
            " next_attempt_at) VALUES (%s, %s, %s, now(), 'Follow up', 'CV', now()) RETURNING id",
            (member.organization_id, student, member.staff_id),
        ).fetchone()
    assert row is not None
    return row[0]  # type: ignore[no-any-return]


def staff_email(dsn: str, member: seed.Member) -> str:
    with psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT email FROM staff WHERE id = %s", (member.staff_id,)).fetchone()
    assert row is not None
    return str(row[0])


def test_the_contract_rejects_a_malformed_event() -> None:
    with pytest.raises(ContractViolation):
        validate_event({"type": "email.bounced", "data": {"to": "not-a-list"}})


def test_bounced_address_gets_no_further_reminder(crm_dsn: str, identity: Identity) -> None:
    org = seed.organization(crm_dsn, "Bounce Centre")
    bouncing, complaining, healthy = (seed.member(crm_dsn, org) for _ in range(3))
    student = seed.student(crm_dsn, org)
    settings = app_settings(crm_dsn, identity, resend_webhook_secret=SECRET)
    with TestClient(create_app(settings), raise_server_exceptions=False) as api:
        target = staff_email(crm_dsn, bouncing).upper()  # addresses match case-insensitively
        bounced = event("email.bounced", target)
        assert post(api, bounced, secret="whsec_" + "b3RoZXIta2V5LW5vdC1vdXJz").status_code == 401
        assert post(api, bounced, **{"svix-timestamp": "1614265330"}).status_code == 401
        unsigned = api.post("/v1/webhooks/resend", json=bounced)
        assert unsigned.status_code == 401 and "svix" in unsigned.json()["detail"]
        assert suppressed(crm_dsn) == {}  # nothing forged got through
        transient = post(api, event("email.bounced", target, bounce_type="Transient"))
        assert transient.status_code == 200 and suppressed(crm_dsn) == {}
        ok = post(api, bounced)
        assert ok.status_code == 200, ok.text
        assert post(api, bounced).status_code == 200  # Svix redelivers: idempotent
        complaint = post(api, event("email.complained", staff_email(crm_dsn, complaining)))
        assert complaint.status_code == 200
    assert suppressed(crm_dsn) == {
        staff_email(crm_dsn, bouncing).lower(): "bounced",
        staff_email(crm_dsn, complaining).lower(): "complained",
    }

    ids = {m.staff_id: reminder(crm_dsn, m, student) for m in (bouncing, complaining, healthy)}
    worker_settings = WorkerSettings(
        database_url=crm_dsn,
        resend_api_key="fake-resend-key-for-tests",
        email_from="CRM <crm@example.test>",
        backoff_seconds=0.0,
    )
    with ResendStandIn() as resend, httpx.Client() as http:
        object.__setattr__(worker_settings, "resend_api_url", resend.url)
        with psycopg.connect(crm_dsn, row_factory=dict_row) as conn:
            Worker(worker_settings, http).drain(conn)
    assert [r["body"]["to"] for r in resend.requests] == [[staff_email(crm_dsn, healthy)]]
    with psycopg.connect(crm_dsn, row_factory=dict_row) as conn:
        rows = {r["id"]: r for r in conn.execute("SELECT * FROM reminders").fetchall()}
    assert rows[ids[bouncing.staff_id]]["status"] == "failed"
    assert rows[ids[bouncing.staff_id]]["last_error"] == "suppressed: the address bounced"
    assert rows[ids[complaining.staff_id]]["last_error"] == "suppressed: the address complained"
    assert rows[ids[healthy.staff_id]]["status"] == "sent"


def test_without_a_secret_there_is_no_webhook_route(crm_dsn: str, identity: Identity) -> None:
    with TestClient(create_app(app_settings(crm_dsn, identity))) as api:
        response = post(api, event("email.complained", "someone@example.test"))
    assert response.status_code == 404
    assert suppressed(crm_dsn) == {}
