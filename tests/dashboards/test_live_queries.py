"""Every dashboard and alert query returns data from a real scrape of the real app and Kuma.

The app runs on a test PostgreSQL under uvicorn; Uptime Kuma checks it with the same monitor
names the stack declares; a real Prometheus scrapes both (the app with its bearer token and
the `environment` label the Grafana scrape job adds). Then every panel, variable and alert
expression goes through Prometheus's HTTP query API and must succeed with series.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import httpx
import psycopg
import pytest
from prometheus_client import start_http_server

from app.main import create_app
from app.metrics import WorkerMetrics
from app.migrate import migrate
from common.monitor_names import (
    BACKUP_MONITOR,
    DRILL_MONITOR,
    KEEPALIVE_MONITOR,
    READINESS_KEYWORD,
    READINESS_MONITOR,
    endpoint_monitor_name,
    push_url,
)
from dashboards.alerts import alert_rules
from dashboards.catalog import dashboards, expressions, variable_queries
from infra.uptime_kuma.provider import MonitorProvider, split_spec
from infra.uptime_kuma.spec import MonitorSpec
from tests.app.conftest import app_settings
from tests.app.identity import Identity, JwksServer
from tests.app.seed import member, organization, student
from tests.app.serving import serving
from tests.support.ports import free_port
from tests.support.postgres import PostgresServer
from tests.support.prometheus import running_prometheus, wait_for_targets
from tests.support.uptime_kuma import ADMIN_PASSWORD, ADMIN_USER, KumaServer, kuma_for_tests

pytestmark = pytest.mark.slow

ENVIRONMENT = "test"
HOST = "api.example.test"
METRICS_TOKEN = "fake-metrics-token"  # the value tests/app/conftest.app_settings uses
PUSH_TOKEN = "fake-backup-push-token"
DRILL_PUSH_TOKEN = "fake-drill-push-token"


@dataclass(frozen=True)
class Live:
    prometheus: str
    traffic: dict[str, int]


def drive_traffic(base: str, identity: Identity, dsn: str) -> dict[str, int]:
    """Real requests: 503s before migrating, then authenticated reads/writes, bad tokens, a
    reminder ten minutes overdue, a read held 0.3 s by a table lock (a slow statement) and a
    read on a connection killed under the pool (a connection error, answered 503)."""
    seen: dict[str, int] = {}
    with httpx.Client(base_url=base, timeout=10) as client:

        def hit(method: str, path: str, **kw: Any) -> None:
            status = client.request(method, path, **kw).status_code
            seen[f"{method} {path} {status}"] = seen.get(f"{method} {path} {status}", 0) + 1

        for _ in range(3):
            hit("GET", "/readyz")  # database not migrated yet: 503
        migrate(dsn)
        org = organization(dsn)
        staff = member(dsn, org)
        auth = {"Authorization": f"Bearer {identity.token(staff.user_id)}"}
        for i in range(10):
            hit("GET", "/readyz")
            hit("GET", "/healthz")
            hit("GET", "/me", headers=auth)
            hit("GET", "/students", headers=auth)
            hit(
                "POST",
                "/students",
                headers=auth,
                json={"first_name": "Ada", "last_name": f"L{i}", "email": f"ada{i}@example.test"},
            )
            hit("GET", "/students", headers={"Authorization": "Bearer fake.not.a-jwt"})
            time.sleep(0.1)
        with psycopg.connect(dsn) as conn:
            conn.execute(
                "INSERT INTO public.reminders (organization_id, student_id, staff_id, due_at, "
                "subject, next_attempt_at) VALUES (%s, %s, %s, now() - interval '10 minutes', "
                "'Follow up', now() - interval '10 minutes')",
                (org, student(dsn, org), staff.staff_id),
            )
        with psycopg.connect(dsn) as locker:
            locker.execute("LOCK TABLE public.students IN ACCESS EXCLUSIVE MODE")
            release = threading.Timer(0.3, locker.commit)
            release.start()
            hit("GET", "/students", headers=auth)  # waits for the lock: a slow statement
            release.join()
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = 'crm-api' AND datname = current_database()"
            )
        # Its pooled connection is gone: 503 (or a scrape in between met it first).
        hit("GET", "/students", headers=auth)
    return seen


def kuma_monitors(kuma: KumaServer, app_url: str, dsn: str) -> None:
    """The stack's monitors, pointed at the local app and database instead of the public
    hostname and Supabase (trust auth ignores the password Kuma insists on)."""
    provider = MonitorProvider()
    specs = [
        MonitorSpec(
            key="api-readyz",
            name=READINESS_MONITOR,
            kind="keyword",
            url=f"{app_url}/readyz",
            keyword=READINESS_KEYWORD,
            interval=20,
        ),
        MonitorSpec(
            key=f"https-{HOST}",
            name=endpoint_monitor_name(HOST),
            kind="http",
            url=f"{app_url}/healthz",
            interval=20,
        ),
        MonitorSpec(
            key="backup-heartbeat",
            name=BACKUP_MONITOR,
            kind="push",
            push_token=PUSH_TOKEN,
            interval=90000,
            max_retries=0,
        ),
        MonitorSpec(
            key="restore-drill-heartbeat",
            name=DRILL_MONITOR,
            kind="push",
            push_token=DRILL_PUSH_TOKEN,
            interval=8 * 24 * 3600,
            max_retries=0,
        ),
        MonitorSpec(
            key="supabase-keepalive",
            name=KEEPALIVE_MONITOR,
            kind="postgres",
            connection_string=dsn.replace("postgres@", "postgres:fake-pw@"),
            query="SELECT 1",
            interval=20,
        ),
    ]
    for spec in specs:
        public, secret = split_spec(spec)
        provider.create(
            {
                "kuma_url": kuma.url,
                "admin_username": ADMIN_USER,
                "admin_password": ADMIN_PASSWORD,
                "spec": public,
                "secrets": secret,
            }
        )
    for token, query in (
        (PUSH_TOKEN, "?status=up&msg=backup-ok"),
        (DRILL_PUSH_TOKEN, "?status=up&msg=drill-ok"),
    ):
        assert httpx.get(push_url(kuma.url, token) + query).json()["ok"]  # as backup.yml does


@contextmanager
def worker_metrics() -> Iterator[str]:
    """The worker's counters as its OTLP push lands them in Grafana Cloud (same names, job
    crm-worker): here served by the worker's own registry for Prometheus to scrape."""
    metrics = WorkerMetrics()
    metrics.sent.inc(3)
    metrics.send_errors.labels(kind="transient").inc()
    metrics.queue_depth.set(0)
    metrics.last_poll.set(time.time())
    port = free_port()
    server, thread = start_http_server(port, addr="127.0.0.1", registry=metrics.registry)
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def scrape_configs(app_url: str, kuma_url: str, worker: str = "") -> list[dict[str, Any]]:
    app, kuma = urlparse(app_url), urlparse(kuma_url)
    jobs = [
        {
            "job_name": "crm-api",
            "metrics_path": "/metrics",
            "authorization": {"type": "Bearer", "credentials": METRICS_TOKEN},
            "static_configs": [{"targets": [app.netloc], "labels": {"environment": ENVIRONMENT}}],
        },
        {
            "job_name": "uptime-kuma",
            "metrics_path": "/metrics",
            "scrape_interval": "2s",
            "basic_auth": {"username": ADMIN_USER, "password": ADMIN_PASSWORD},
            "static_configs": [{"targets": [kuma.netloc], "labels": {"environment": ENVIRONMENT}}],
        },
    ]
    if worker:
        jobs.append(
            {
                "job_name": "crm-worker",
                "static_configs": [{"targets": [worker], "labels": {"environment": ENVIRONMENT}}],
            }
        )
    return jobs


# One set-up (~17 s) per worker: `make test` hands out whole files (--dist loadfile).
@pytest.fixture(scope="session")
def live(postgres_server: PostgresServer) -> Iterator[Live]:
    dsn = postgres_server.create_database("crm_observability")
    with (
        JwksServer() as identity,
        serving(create_app(app_settings(dsn, identity))) as app_url,
        kuma_for_tests() as kuma,
        worker_metrics() as worker,
        running_prometheus(scrape_configs(app_url, kuma.url, worker)) as prom,
    ):
        wait_for_targets(prom, {"crm-api"}, samples=2)
        traffic = drive_traffic(app_url, identity, dsn)
        kuma_monitors(kuma, app_url, dsn)
        wait_for_kuma_status(prom)
        wait_for_targets(prom, {"crm-api", "uptime-kuma", "crm-worker"}, samples=3)
        time.sleep(2)  # two more scrapes after the last request, so rates see it
        yield Live(prom, traffic)
    postgres_server.drop_database("crm_observability")


def wait_for_kuma_status(prom: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    names = {
        READINESS_MONITOR,
        endpoint_monitor_name(HOST),
        BACKUP_MONITOR,
        DRILL_MONITOR,
        KEEPALIVE_MONITOR,
    }
    while time.monotonic() < deadline:
        found = {r["metric"]["monitor_name"] for r in query(prom, "monitor_status")}
        if names <= found:
            return
        time.sleep(0.5)
    raise TimeoutError(f"Uptime Kuma never exported monitor_status for all of {names}")


def query(prom: str, expr: str, at: float | None = None) -> list[dict[str, Any]]:
    params: dict[str, Any] = {"query": expr}
    if at is not None:
        params["time"] = at
    body = httpx.get(f"{prom}/api/v1/query", params=params, timeout=30).json()
    assert body["status"] == "success", f"{expr}: {body}"
    return list(body["data"]["result"])


def substitute(expr: str) -> str:
    values = {"$__rate_interval": "1m", "$env": ENVIRONMENT, "$route": ".*"}
    for name, value in sorted(values.items(), key=lambda kv: -len(kv[0])):
        expr = expr.replace(name, value)
    return expr


def evaluation_time(expr: str) -> float | None:
    """Subqueries ([24h:1m]) sample on absolute step boundaries; a Prometheus seconds old has
    none yet, so evaluate those just past the next boundary (Prometheus allows it)."""
    match = re.search(r"\[\w+:(\d+)m\]", expr)
    if not match:
        return None
    step = int(match.group(1)) * 60
    return math.floor(time.time() / step) * step + step + 1


def every_expression() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for uid, model in dashboards().items():
        out += [(f"{uid}: {title}", expr) for title, expr in expressions(model)]
    out += [(f"alert: {r.title}", r.expr) for r in alert_rules(ENVIRONMENT, [HOST])]
    return out


def test_traffic_reached_the_app(live: Live) -> None:
    assert live.traffic["GET /readyz 503"] == 3
    assert live.traffic["GET /readyz 200"] == 10
    assert live.traffic["POST /students 201"] == 10


def test_the_database_and_job_metrics_saw_the_events(live: Live) -> None:
    """The overdue reminder, the lock-held read and the killed connection, as Prometheus has
    them (raw counters: no rate window to outlive)."""
    env = f'environment="{ENVIRONMENT}"'
    [age] = query(live.prometheus, f"max(crm_reminder_oldest_due_age_seconds{{{env}}})")
    assert float(age["value"][1]) >= 600
    [slow] = query(
        live.prometheus,
        f"sum(crm_db_statement_duration_seconds_count{{{env}}})"
        f' - sum(crm_db_statement_duration_seconds_bucket{{{env}, le="0.1"}})',
    )
    assert float(slow["value"][1]) >= 1
    kinds = {
        r["metric"]["kind"]: float(r["value"][1])
        for r in query(live.prometheus, f"crm_db_connection_errors_total{{{env}}}")
    }
    assert set(kinds) == {"connect", "acquire", "broken", "lost"}
    assert kinds["broken"] >= 1


def test_every_panel_and_alert_expression_returns_series(live: Live) -> None:
    empty = []
    for where, expr in every_expression():
        concrete = substitute(expr)
        if not query(live.prometheus, concrete, evaluation_time(concrete)):
            empty.append(f"{where}: {concrete}")
    assert not empty, "expressions without data:\n" + "\n".join(empty)


def test_every_metric_queried_is_exported(live: Live) -> None:
    exported = set(httpx.get(f"{live.prometheus}/api/v1/label/__name__/values").json()["data"])
    names = set()
    for _, expr in every_expression():
        names |= set(re.findall(r"\b([a-z_]+)\{", expr))  # every selector has {labels}
    assert {
        "crm_http_request_duration_seconds_bucket",
        "crm_db_pool_waiting",
        "crm_reminders",
        "monitor_status",
    } <= names, "the name extraction is broken"
    assert names <= exported, f"queried but never exported: {sorted(names - exported)}"


def test_template_variables_resolve(live: Live) -> None:
    for uid, model in dashboards().items():
        for name, text in variable_queries(model):
            match = re.fullmatch(r"label_values\((.+), (\w+)\)", substitute(text))
            assert match, f"{uid}: variable {name} is not label_values(selector, label)"
            selector, label = match.groups()
            values = httpx.get(
                f"{live.prometheus}/api/v1/label/{label}/values", params={"match[]": selector}
            ).json()["data"]
            assert values, f"{uid}: variable {name} ({text}) has no values"
            if name == "env":
                assert values == [ENVIRONMENT]


def test_latency_and_error_figures_are_sane(live: Live) -> None:
    [ratio] = query(
        live.prometheus,
        substitute(alert_rules(ENVIRONMENT, [HOST])[1].expr.replace("[5m]", "[1m]")),
    )
    assert 0 <= float(ratio["value"][1]) < 1
    routes = {
        r["metric"]["route"]
        for r in query(
            live.prometheus,
            'sum by (route) (crm_http_request_duration_seconds_count{environment="test"})',
        )
    }
    assert {"/readyz", "/students"} <= routes


def test_kuma_sees_the_ready_app_and_the_database(live: Live) -> None:
    """The readiness keyword matches the real /readyz body; the keep-alive query runs.

    A check that timed out on a loaded machine leaves a monitor PENDING (2: failed, retrying)
    until its next check (every 20 s); wait up to three checks for every monitor to be UP."""
    wanted = (READINESS_MONITOR, endpoint_monitor_name(HOST), KEEPALIVE_MONITOR)
    deadline = time.monotonic() + 65
    while True:
        status = {
            r["metric"]["monitor_name"]: float(r["value"][1])
            for r in query(live.prometheus, "monitor_status")
        }
        if all(status.get(name) == 1 for name in wanted) or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert status[READINESS_MONITOR] == 1
    assert status[endpoint_monitor_name(HOST)] == 1
    assert status[KEEPALIVE_MONITOR] == 1
    assert status[BACKUP_MONITOR] == 1  # pushed once by the fixture
    assert status[DRILL_MONITOR] == 1
