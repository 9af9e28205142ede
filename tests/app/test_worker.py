"""The reminder worker against a local stand-in for Resend and a real PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from psycopg.rows import dict_row

from app.worker import Worker, WorkerSettings, WorkerSettingsError
from tests.app import seed
from tests.app.resend_standin import ResendStandIn

ROOT = Path(__file__).resolve().parents[2]
FAKE_KEY = "fake-resend-key-for-tests"


def schedule(dsn: str, n: int, *, due: str = "now() - interval '1 minute'") -> list[uuid.UUID]:
    org = seed.organization(dsn, "Worker Centre")
    advisor = seed.member(dsn, org)
    student = seed.student(dsn, org, "Rosalind", "Franklin", "rosalind@example.test")
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "INSERT INTO reminders (organization_id, student_id, staff_id, due_at, subject, "
            f"body, next_attempt_at) SELECT %s, %s, %s, {due}, 'Follow up #' || i, "
            f"'<b>bring CV</b>', {due} FROM generate_series(1, %s) i RETURNING id",
            (org, student, advisor.staff_id, n),
        ).fetchall()
    return [r[0] for r in rows]


def settings(dsn: str, url: str, **kw: Any) -> WorkerSettings:
    values: dict[str, Any] = {
        "database_url": dsn,
        "resend_api_key": FAKE_KEY,
        "email_from": "CRM <crm@example.test>",
        "resend_api_url": url,
        "backoff_seconds": 0.0,
        "max_attempts": 3,
    }
    values.update(kw)
    return WorkerSettings(**values)


def drain(dsn: str, url: str, **kw: Any) -> Worker:
    with httpx.Client() as http, psycopg.connect(dsn, row_factory=dict_row) as conn:
        worker = Worker(settings(dsn, url, **kw), http)
        worker.drain(conn)
    return worker


def reminder_rows(dsn: str) -> dict[uuid.UUID, dict[str, Any]]:
    with psycopg.connect(dsn, row_factory=dict_row) as conn:
        return {r["id"]: r for r in conn.execute("SELECT * FROM reminders").fetchall()}


def test_sends_rendered_email_once_and_records_it(crm_dsn: str) -> None:
    ids = schedule(crm_dsn, 2)
    schedule_future = schedule(crm_dsn, 1, due="now() + interval '1 day'")
    with ResendStandIn() as resend:
        worker = drain(crm_dsn, resend.url)
        drain(crm_dsn, resend.url)  # a second pass finds nothing new
    assert sorted(r["key"] for r in resend.requests) == sorted(f"reminder-{i}" for i in ids)
    sent = resend.requests[0]
    assert sent["path"] == "/emails" and sent["auth"] == f"Bearer {FAKE_KEY}"
    assert sent["body"]["subject"].startswith("Reminder: Follow up #")
    assert "Rosalind Franklin" in sent["body"]["text"]
    assert "&lt;b&gt;bring CV&lt;/b&gt;" in sent["body"]["html"]  # escaped in HTML
    rows = reminder_rows(crm_dsn)
    assert all(rows[i]["status"] == "sent" and rows[i]["provider_message_id"] for i in ids)
    assert rows[schedule_future[0]]["status"] == "pending"
    assert worker.metrics.sent._value.get() == 2
    assert worker.metrics.queue_depth._value.get() == 0  # the future one is not due
    assert worker.metrics.last_poll._value.get() > 0


def test_two_worker_processes_send_each_reminder_exactly_once(crm_dsn: str) -> None:
    ids = schedule(crm_dsn, 60)
    with ResendStandIn(delay=0.005) as resend:
        env = {
            **os.environ,
            "DATABASE_URL": crm_dsn,
            "RESEND_API_KEY": FAKE_KEY,
            "EMAIL_FROM": "CRM <crm@example.test>",
            "RESEND_API_URL": resend.url,
            "PYTHONPATH": str(ROOT),
            "LOG_LEVEL": "WARNING",
        }
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "app.worker", "--until-empty"], cwd=ROOT, env=env
            )
            for _ in range(2)
        ]
        codes = [p.wait(timeout=60) for p in procs]
    assert codes == [0, 0]
    counts = Counter(r["key"] for r in resend.delivered)
    assert set(counts) == {f"reminder-{i}" for i in ids}
    assert max(counts.values()) == 1, counts.most_common(3)
    assert all(
        r["status"] == "sent" and r["attempts"] == 1 for r in reminder_rows(crm_dsn).values()
    )


def test_transient_failures_retry_then_succeed(crm_dsn: str) -> None:
    (rid,) = schedule(crm_dsn, 1)

    def flaky(record: dict[str, Any], attempt: int) -> tuple[int, dict[str, Any]]:
        return (503, {"message": "try later"}) if attempt < 3 else (200, {"id": "msg-1"})

    with ResendStandIn(flaky) as resend:
        drain(crm_dsn, resend.url, max_attempts=5)
    row = reminder_rows(crm_dsn)[rid]
    assert (row["status"], row["attempts"], row["provider_message_id"]) == ("sent", 3, "msg-1")
    assert len(resend.delivered) == 1


def test_gives_up_after_max_attempts_and_records_why(crm_dsn: str) -> None:
    (rid,) = schedule(crm_dsn, 1)
    with ResendStandIn(lambda r, a: (500, {"message": "upstream down"})) as resend:
        worker = drain(crm_dsn, resend.url, max_attempts=3)
    row = reminder_rows(crm_dsn)[rid]
    assert (row["status"], row["attempts"]) == ("failed", 3)
    assert row["last_error"] == "HTTP 500: upstream down"
    assert len(resend.requests) == 3 and worker.metrics.failed._value.get() == 1


def test_permanent_error_fails_at_once(crm_dsn: str) -> None:
    (rid,) = schedule(crm_dsn, 1)
    with ResendStandIn(
        lambda r, a: (422, {"name": "validation_error", "message": "Invalid `from` field"})
    ) as resend:
        drain(crm_dsn, resend.url, max_attempts=5)
    row = reminder_rows(crm_dsn)[rid]
    assert (row["status"], row["attempts"]) == ("failed", 1)
    assert "Invalid `from` field" in row["last_error"] and len(resend.requests) == 1


def test_backoff_defers_the_next_attempt(crm_dsn: str) -> None:
    (rid,) = schedule(crm_dsn, 1)
    with ResendStandIn(lambda r, a: (429, {"message": "rate limited"})) as resend:
        drain(crm_dsn, resend.url, backoff_seconds=30.0, max_attempts=5)
    row = reminder_rows(crm_dsn)[rid]
    assert (row["status"], row["attempts"]) == ("pending", 1)
    with psycopg.connect(crm_dsn) as conn:
        wait = conn.execute(
            "SELECT extract(epoch FROM next_attempt_at - now()) FROM reminders WHERE id = %s",
            (rid,),
        ).fetchone()
    assert wait is not None and 20 < wait[0] <= 30
    assert len(resend.requests) == 1


def test_settings_errors_name_each_variable() -> None:
    with pytest.raises(WorkerSettingsError) as err:
        WorkerSettings.from_env({"REMINDER_MAX_ATTEMPTS": "zero"})
    text = str(err.value)
    for name in ("DATABASE_URL", "RESEND_API_KEY", "EMAIL_FROM", "REMINDER_MAX_ATTEMPTS"):
        assert name in text
