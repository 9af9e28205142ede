"""The budget alerts fire at 80 % of the quota in common/quotas.yaml, and the signals they
read are what the quotas meter: the app's crm_db_size_bytes is pg_database_size, its
crm_redis_commands_total matches redis-server's own INFO commandstats, and crm_log_bytes_total
counts the JSON lines it writes to stdout."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import redirect_stdout

import psycopg
import pytest
import redis
from fastapi.testclient import TestClient

from app.main import create_app
from app.observability import configure_logging
from common.quotas import load_quotas
from dashboards.alerts import BUDGET_SHARE, budget_alert_rules
from tests.app import seed
from tests.app.conftest import app_settings
from tests.app.identity import Identity
from tests.app.redis_server import running_redis

TOKEN = {"Authorization": "Bearer fake-metrics-token"}


def test_alerts_at_80_percent_of_each_quota_with_a_signal() -> None:
    rules = {r.labels["budget"]: r for r in budget_alert_rules("prod")}
    assert set(rules) == {
        "supabase.database_size",
        "resend.emails_per_day",
        "upstash.commands",
        "betterstack.log_volume",
        "grafana_cloud.metric_series",
    }
    quotas = {f"{s.id}.{q.id}": q.limit for s in load_quotas().values() for q in s.quotas("free")}
    for key, rule in rules.items():
        assert rule.threshold == pytest.approx(BUDGET_SHARE * (quotas[key] or 0))
        assert rule.op == "gt" and 'environment="prod"' in rule.expr
        assert rule.runbook_anchor == "free-tier-quota-over-80"
    # Upstash pay as you go has no command quota: no alert pretends it has.
    payg = budget_alert_rules("prod", {"upstash.plan": "payg"})
    assert "upstash.commands" not in {r.labels["budget"] for r in payg}


def _metric(c: TestClient, name: str) -> float:
    for line in c.get("/metrics", headers=TOKEN).text.splitlines():
        if line.startswith(name + " "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} not exported")


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with running_redis() as url:
        yield url


def test_the_app_exports_what_the_quotas_meter(
    crm_dsn: str, identity: Identity, redis_url: str
) -> None:
    org = seed.organization(crm_dsn)
    who = seed.member(crm_dsn, org)
    sid = seed.student(crm_dsn, org, "Mary", "Jackson")
    auth = {"Authorization": f"Bearer {identity.token(who.user_id)}"}
    server = redis.Redis.from_url(redis_url)
    out = io.StringIO()
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    try:
        with redirect_stdout(out):
            configure_logging("INFO")  # before the app starts, as `python -m app` does
        with (
            redirect_stdout(out),
            TestClient(
                create_app(app_settings(crm_dsn, identity, redis_url=redis_url)),
                raise_server_exceptions=False,
            ) as c,
        ):
            server.config_resetstat()
            before_logs = _metric(c, "crm_log_bytes_total")
            before_cmds = _metric(c, "crm_redis_commands_total")
            written = len(out.getvalue().encode())
            for _ in range(3):
                assert c.get(f"/students/{sid}", headers=auth).status_code == 200
            body = {"company": "Acme", "role": "Intern"}
            r = c.post(f"/students/{sid}/applications", json=body, headers=auth)
            assert r.status_code == 201
            stats = server.info("commandstats")
            sent = sum(
                int(v["calls"])
                for k, v in stats.items()
                if not k.startswith(
                    ("cmdstat_info", "cmdstat_config", "cmdstat_client", "cmdstat_hello")
                )
            )
            assert sent > 0  # HELLO/CLIENT: once per connection, not per request
            assert _metric(c, "crm_redis_commands_total") - before_cmds == sent
            logged = len(out.getvalue().encode()) - written
            # The /metrics scrapes in between log too; compare at the same moment.
            assert _metric(c, "crm_log_bytes_total") - before_logs >= logged > 0
            with psycopg.connect(crm_dsn) as conn:
                row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
            assert row is not None
            assert _metric(c, "crm_db_size_bytes") == pytest.approx(row[0], rel=0.05)
    finally:
        root.handlers[:], _ = saved[0], root.setLevel(saved[1])
