"""The database and job metrics the dashboards read, each driven by the real event it counts:
an overdue reminder, a statement held up by a lock, a connection killed under the pool, a
database that is not there."""

from __future__ import annotations

import threading
import time
from typing import Any

import psycopg
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from app.main import create_app
from app.metrics import POOL_ERROR_STATS, SLOW_STATEMENT_SECONDS, STATEMENT_BUCKETS
from tests.app import seed
from tests.app.conftest import app_settings
from tests.app.identity import Identity
from tests.support.ports import free_port

METRICS = {"Authorization": "Bearer fake-metrics-token"}


def scrape(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    r = client.get("/metrics", headers=METRICS)
    assert r.status_code == 200
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(r.text)
        for s in family.samples
    }


def errors(samples: dict[Any, float], kind: str) -> float:
    return samples[("crm_db_connection_errors_total", (("kind", kind),))]


def test_oldest_due_reminder_age_counts_from_due_at(crm_dsn: str, identity: Identity) -> None:
    org = seed.organization(crm_dsn)
    who = seed.member(crm_dsn, org)
    sid = seed.student(crm_dsn, org)
    insert = (
        "INSERT INTO public.reminders (organization_id, student_id, staff_id, due_at, subject, "
        "status, next_attempt_at) VALUES (%s, %s, %s, now() + %s::interval, 'Call', %s, "
        "now() + %s::interval)"
    )
    with TestClient(create_app(app_settings(crm_dsn, identity))) as client:
        first = scrape(client)
        assert first[("crm_reminder_oldest_due_age_seconds", ())] == 0  # none due yet
        with psycopg.connect(crm_dsn) as conn:
            for due, status, next_attempt in (
                ("-1 hour", "pending", "-1 hour"),  # due an hour ago: the oldest due
                ("-10 minutes", "pending", "-10 minutes"),
                ("-3 hours", "pending", "+5 minutes"),  # in retry back-off: not due now
                ("-2 days", "sent", "-2 days"),  # done
                ("+1 hour", "pending", "+1 hour"),  # not yet due
            ):
                conn.execute(insert, (org, sid, who.staff_id, due, status, next_attempt))
        samples = scrape(client)
    assert samples[("crm_reminder_queue_depth", ())] == 2
    assert 3600 <= samples[("crm_reminder_oldest_due_age_seconds", ())] < 3660


def test_a_statement_held_by_a_lock_is_counted_slow(crm_dsn: str, identity: Identity) -> None:
    assert SLOW_STATEMENT_SECONDS in STATEMENT_BUCKETS  # dashboards subtract this bucket
    org = seed.organization(crm_dsn)
    who = seed.member(crm_dsn, org)
    auth = {"Authorization": f"Bearer {identity.token(who.user_id)}"}
    slow = ("crm_db_statement_duration_seconds_bucket", (("le", str(SLOW_STATEMENT_SECONDS)),))
    total = ("crm_db_statement_duration_seconds_count", ())
    with TestClient(create_app(app_settings(crm_dsn, identity))) as client:
        assert client.get("/students", headers=auth).status_code == 200
        before = scrape(client)
        assert before[total] >= 1
        with psycopg.connect(crm_dsn) as locker:
            locker.execute("LOCK TABLE public.students IN ACCESS EXCLUSIVE MODE")
            release = threading.Timer(0.4, locker.commit)
            release.start()
            started = time.perf_counter()
            assert client.get("/students", headers=auth).status_code == 200
            assert time.perf_counter() - started >= 0.4
            release.join()
        after = scrape(client)
    assert after[total] - before[total] == 1
    assert (after[total] - after[slow]) - (before[total] - before[slow]) == 1


def test_a_connection_killed_in_use_is_a_broken_connection_error(
    crm_dsn: str, identity: Identity
) -> None:
    org = seed.organization(crm_dsn)
    who = seed.member(crm_dsn, org)
    auth = {"Authorization": f"Bearer {identity.token(who.user_id)}"}
    settings = app_settings(crm_dsn, identity, pool_min_size=1, pool_max_size=1)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        assert client.get("/students", headers=auth).status_code == 200
        before = scrape(client)
        kinds = {
            dict(lb)["kind"] for name, lb in before if name == "crm_db_connection_errors_total"
        }
        assert kinds == set(POOL_ERROR_STATS)  # every kind exported from start-up, at 0
        with psycopg.connect(crm_dsn, autocommit=True) as admin:
            killed = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = 'crm-api' AND datname = current_database()"
            ).fetchone()
        assert killed is not None and killed[0] == 1
        assert client.get("/students", headers=auth).status_code == 503
        after = scrape(client)
    assert errors(after, "broken") - errors(before, "broken") == 1
    assert errors(after, "connect") == errors(before, "connect")


def test_an_unreachable_database_counts_connect_and_acquire_errors(identity: Identity) -> None:
    dsn = f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere?connect_timeout=1"
    with TestClient(create_app(app_settings(dsn, identity))) as client:
        samples = scrape(client)  # its reminder refresh waits 2 s for a connection, then fails
    assert errors(samples, "connect") >= 1
    assert errors(samples, "acquire") >= 1
    assert errors(samples, "broken") == 0
