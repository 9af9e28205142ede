"""The reminder worker with the production telemetry variables pointed at local receivers:
each claimed reminder is one trace (job span, its SQL, its Resend call), its counters are
pushed over OTLP (no port to scrape on Railway), its logs carry the job's trace id, and a
reminder it gives up on reaches Sentry under the deployed release, without PII."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from app.migrate import migrate
from tests.app import seed
from tests.app.resend_standin import ResendStandIn
from tests.support.betterstack import Receiver, running_receiver
from tests.support.otelcol import RunningCollector
from tests.support.postgres import PostgresServer
from tests.support.sentry_standin import SentryStandIn, running_sentry

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
SHA = "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d"
RESEND_KEY = "re_fakeResendKeyForTests123"
LOG_TOKEN = "bs-worker-source-token"
STUDENT_EMAIL = "rosalind.franklin@students.example"
STAFF_EMAIL_DOMAIN = "@example.test"


@dataclass
class WorkerRun:
    sent: uuid.UUID
    failed: uuid.UUID
    collector: RunningCollector
    logs: Receiver
    sentry: SentryStandIn
    output: str


def refuse_second(record: dict[str, Any], attempt: int) -> tuple[int, dict[str, Any]]:
    if record["body"]["subject"].startswith("Reminder: Follow up #2"):
        return 422, {"name": "validation_error", "message": "The to address is invalid."}
    return 200, {"id": str(uuid.uuid4())}


@pytest.fixture(scope="module")
def worker_run(postgres_server: PostgresServer, collector: RunningCollector) -> Iterator[WorkerRun]:
    name = f"crm_telemetry_worker_{os.getpid()}"
    dsn = postgres_server.create_database(name)
    migrate(dsn)
    org = seed.organization(dsn, "Telemetry Centre")
    advisor = seed.member(dsn, org)
    student = seed.student(dsn, org, "Rosalind", "Franklin", STUDENT_EMAIL)
    with psycopg.connect(dsn) as conn:
        ids = [
            r[0]
            for r in conn.execute(
                "INSERT INTO reminders (organization_id, student_id, staff_id, due_at, subject, "
                "body, next_attempt_at) SELECT %s, %s, %s, now() - interval '1 minute', "
                "'Follow up #' || i, 'bring CV', now() - interval '1 minute' "
                "FROM generate_series(1, 2) i ORDER BY i RETURNING id",
                (org, student, advisor.staff_id),
            ).fetchall()
        ]
    with (
        ResendStandIn(refuse_second) as resend,
        running_receiver(LOG_TOKEN) as logs,
        running_sentry() as sentry,
    ):
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "BETTERSTACK_"))},
            "DATABASE_URL": dsn,
            "RESEND_API_KEY": RESEND_KEY,
            "RESEND_API_URL": resend.url,
            "EMAIL_FROM": "CRM <crm@example.test>",
            "RAILWAY_GIT_COMMIT_SHA": SHA,
            "OTEL_EXPORTER_OTLP_ENDPOINT": collector.endpoint,
            "OTEL_BSP_SCHEDULE_DELAY": "100",
            "TRACES_SAMPLE_RATIO": "1",
            "BETTERSTACK_SOURCE_TOKEN": LOG_TOKEN,
            "BETTERSTACK_INGESTING_HOST": logs.url,
            "SENTRY_DSN": sentry.dsn,
        }
        env.pop("APP_VERSION", None)
        done = subprocess.run(
            [sys.executable, "-m", "app.worker", "--until-empty"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr + done.stdout
        yield WorkerRun(ids[0], ids[1], collector, logs, sentry, done.stdout + done.stderr)
    postgres_server.drop_database(name)


def job_spans(run: WorkerRun) -> dict[str, dict[str, Any]]:
    spans = run.collector.captured.wait_for(
        lambda: [
            s
            for s in run.collector.captured.spans()
            if s["name"] == "reminder send" and s["resource"].get("service.version") == SHA
        ]
    )
    return {s["attrs"]["crm.reminder.id"]: s for s in spans}


def test_each_claimed_reminder_is_one_trace_with_its_sql_and_resend_call(
    worker_run: WorkerRun,
) -> None:
    jobs = job_spans(worker_run)
    assert set(jobs) == {str(worker_run.sent), str(worker_run.failed)}
    for reminder_id, job in jobs.items():
        assert job["resource"]["service.name"] == "crm-worker"
        children = worker_run.collector.captured.wait_for(
            lambda job=job: (
                [
                    s
                    for s in worker_run.collector.captured.spans()
                    if s.get("parentSpanId") == job["spanId"]
                ]
                if len(
                    [
                        s
                        for s in worker_run.collector.captured.spans()
                        if s.get("parentSpanId") == job["spanId"]
                    ]
                )
                >= 2
                else None
            )
        )
        kinds = {
            "db" if ("db.system" in s["attrs"] or "db.system.name" in s["attrs"]) else "http"
            for s in children
        }
        assert kinds == {"db", "http"}, reminder_id
        assert not job.get("parentSpanId")  # a root: one trace per job
    assert jobs[str(worker_run.sent)]["attrs"]["crm.reminder.outcome"] == "sent"
    assert jobs[str(worker_run.failed)]["attrs"]["crm.reminder.outcome"] == "failed"


def test_worker_counters_are_pushed_over_otlp(worker_run: WorkerRun) -> None:
    def pushed() -> dict[str, float]:
        values: dict[str, float] = {}
        for resource, metric in worker_run.collector.captured.metrics():
            if resource.get("service.name") != "crm-worker":
                continue
            points = (metric.get("sum") or metric.get("gauge") or {}).get("dataPoints", [])
            values[metric["name"]] = sum(
                float(p.get("asDouble", p.get("asInt", 0))) for p in points
            )
        return values

    values = worker_run.collector.captured.wait_for(
        lambda: pushed() if "crm_reminders_sent" in pushed() else None
    )
    assert values["crm_reminders_sent"] == 1
    assert values["crm_reminders_failed"] == 1
    assert values["crm_reminder_send_errors"] == 1
    assert "crm_worker_last_poll_timestamp_seconds" in values
    assert "crm_log_lines_dropped" in values


def test_give_up_reaches_sentry_under_the_release_without_pii(worker_run: WorkerRun) -> None:
    events = [e for e in worker_run.sentry.events() if "failed after" in str(e.get("logentry"))]
    assert len(events) == 1, worker_run.output
    (event,) = events
    assert event["release"] == SHA
    assert event["server_name"] == "crm-worker"
    assert "user" not in event or not event["user"].get("ip_address")
    everything = worker_run.sentry.everything()
    for secret in (RESEND_KEY, STUDENT_EMAIL, STAFF_EMAIL_DOMAIN, "'vars'", '"vars"'):
        assert secret not in everything, secret


def test_job_logs_carry_the_trace_id_and_no_secret_leaves(worker_run: WorkerRun) -> None:
    jobs = job_spans(worker_run)
    failed_trace = jobs[str(worker_run.failed)]["traceId"]
    lines = [e for e in worker_run.logs.lines() if e.get("trace_id") == failed_trace]
    assert any("failed after" in e["msg"] for e in lines)
    shipped = worker_run.logs.everything() + worker_run.collector.captured.everything()
    for secret in (RESEND_KEY, STUDENT_EMAIL, LOG_TOKEN):
        assert secret not in shipped, secret
