"""Alert rules: what pages a person, for how long it must hold, and where the runbook is.

Rules are plain data here; infra/grafana turns them into `grafana.alerting.RuleGroup` rules
and `render` writes them as Grafana rule-group JSON. Each rule is a Prometheus instant query
(refId A) and a server-side threshold on it (refId B, the condition).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from common.monitor_names import endpoint_monitor_name
from common.quotas import load_quotas
from dashboards import queries as q

RUNBOOK_DOC = "docs/observability.md"
EXPR_DATASOURCE = "__expr__"
EVALUATE_EVERY_SECONDS = 60
QUERY_WINDOW_SECONDS = 600


@dataclass(frozen=True)
class AlertRule:
    uid: str
    title: str
    expr: str
    op: Literal["gt", "lt"]
    threshold: float
    for_: str
    summary: str
    runbook_anchor: str
    severity: Literal["page", "ticket"] = "page"
    no_data: Literal["OK", "NoData", "Alerting"] = "NoData"
    labels: dict[str, str] = field(default_factory=dict)

    def annotations(self, runbook_base: str) -> dict[str, str]:
        return {
            "summary": self.summary,
            "runbook_url": f"{runbook_base.rstrip('/')}/{RUNBOOK_DOC}#{self.runbook_anchor}",
        }

    def all_labels(self) -> dict[str, str]:
        return {"team": "platform", "severity": self.severity, **self.labels}

    def query_model(self, datasource_uid: str) -> dict[str, Any]:
        return {
            "refId": "A",
            "expr": self.expr,
            "instant": True,
            "range": False,
            "datasource": {"type": "prometheus", "uid": datasource_uid},
            "intervalMs": 1000,
            "maxDataPoints": 43200,
        }

    def condition_model(self) -> dict[str, Any]:
        return {
            "refId": "B",
            "type": "threshold",
            "expression": "A",
            "datasource": {"type": "__expr__", "uid": EXPR_DATASOURCE},
            "conditions": [{"evaluator": {"type": self.op, "params": [self.threshold]}}],
        }


def alert_rules(environment: str, public_hosts: Sequence[str]) -> list[AlertRule]:
    """Every rule for one environment; one endpoint rule per public hostname."""
    env = f'environment="{environment}"'
    rules = [
        AlertRule(
            "crm-api-p95",
            "API p95 latency over 200 ms",
            q.latency_quantile(0.95, by="le", selector=env, window="5m"),
            "gt",
            q.LATENCY_OBJECTIVE_SECONDS,
            "5m",
            "p95 latency of the CRM API has been over 200 ms for 5 minutes",
            "api-p95-latency-over-200-ms",
        ),
        AlertRule(
            "crm-api-5xx",
            "API 5xx ratio over 1%",
            q.error_ratio(selector=env, window="5m"),
            "gt",
            q.ERROR_RATIO_OBJECTIVE,
            "5m",
            "More than 1% of API responses are 5xx",
            "api-5xx-ratio-over-1",
        ),
        AlertRule(
            "crm-readiness",
            "API readiness failing",
            q.readiness(),
            "lt",
            1,
            "2m",
            "Uptime Kuma sees /readyz failing: database unreachable or migrations pending",
            "api-readiness-failing",
            no_data="Alerting",
        ),
        AlertRule(
            "crm-reminders-failing",
            "Reminders failing",
            q.reminders_changed_per_hour("failed", selector=env),
            "gt",
            0,
            "0s",
            "Reminders were given up on in the last hour",
            "reminders-failing",
            severity="ticket",
            no_data="OK",
        ),
        AlertRule(
            "crm-backup-heartbeat",
            "Nightly backup heartbeat missed",
            q.backup_heartbeat(),
            "lt",
            1,
            "0s",
            "The nightly backup did not push its heartbeat to Uptime Kuma in 25 h",
            "nightly-backup-heartbeat-missed",
            no_data="Alerting",
        ),
        AlertRule(
            "crm-drill-heartbeat",
            "Restore drill heartbeat missed",
            q.drill_heartbeat(),
            "lt",
            1,
            "0s",
            "The weekly restore drill did not push its heartbeat to Uptime Kuma in 8 days",
            "restore-drill-heartbeat-missed",
            severity="ticket",
            no_data="Alerting",
        ),
    ]
    for host in public_hosts:
        name = endpoint_monitor_name(host)
        rules.append(
            AlertRule(
                f"crm-endpoint-{_slug(host)}"[:40],
                f"Endpoint down: {host}",
                q.monitor_status(name),
                "lt",
                1,
                "2m",
                f"Uptime Kuma reports https://{host}/ down",
                "endpoint-down-in-uptime-kuma",
                no_data="Alerting",
                labels={"hostname": host},
            )
        )
    return rules + budget_alert_rules(environment)


BUDGET_SHARE = 0.8  # warn at 80 % of a free quota, before it breaks
DAYS_PER_MONTH = 30.44
# (uid, quota service, quota id, expression over `env`, what it measures)
_BUDGET_SIGNALS: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "crm-budget-db-size",
        "supabase",
        "database_size",
        "max(crm_db_size_bytes{{{env}}})",
        "database size",
    ),
    (
        "crm-budget-emails-day",
        "resend",
        "emails_per_day",
        'clamp_min(max(delta(crm_reminders{{{env}, status="sent"}}[1d])), 0)',
        "reminder emails sent in the last 24 h",
    ),
    (
        "crm-budget-redis-commands",
        "upstash",
        "commands",
        f"sum(increase(crm_redis_commands_total{{{{{{env}}}}}}[1d])) * {DAYS_PER_MONTH}",
        "Redis commands a month at the last 24 h's rate",
    ),
    (
        "crm-budget-log-volume",
        "betterstack",
        "log_volume",
        f"sum(increase(crm_log_bytes_total{{{{{{env}}}}}}[1d])) * {DAYS_PER_MONTH}",
        "log bytes a month at the last 24 h's rate",
    ),
    (
        "crm-budget-series",
        "grafana_cloud",
        "metric_series",
        "count({{{env}}})",
        "active metric series of this environment",
    ),
)


def budget_alert_rules(environment: str, plans: dict[str, str] | None = None) -> list[AlertRule]:
    """A ticket at 80 % of each free quota that has a live signal (common/quotas.yaml).
    Span volume has none: Sentry counts spans on its side and nothing exports them here."""
    env = f'environment="{environment}"'
    services = load_quotas()
    rules = []
    for uid, service_id, quota_id, expr, what in _BUDGET_SIGNALS:
        service = services[service_id]
        plan = (plans or {}).get(service.plan_key or "", "free")
        quota = next((q for q in service.quotas(plan) if q.id == quota_id), None)
        if quota is None or quota.limit is None:
            continue  # the plan has no such quota (e.g. Upstash pay as you go bills commands)
        threshold = BUDGET_SHARE * quota.limit
        rules.append(
            AlertRule(
                uid,
                f"{service.title}: {quota_id} over 80% of the free quota",
                expr.format(env=env),
                "gt",
                threshold,
                "15m",
                f"{what.capitalize()} is over 80% of {service.title}'s free {quota_id} "
                f"quota ({quota.limit:g} {quota.unit} a {quota.period}; {quota.source})",
                "free-tier-quota-over-80",
                severity="ticket",
                no_data="OK",
                labels={"budget": f"{service_id}.{quota_id}"},
            )
        )
    return rules


def _slug(host: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in host.lower()).strip("-")


def rule_group_json(
    rules: Sequence[AlertRule], folder_uid: str, datasource_uid: str, runbook_base: str
) -> dict[str, Any]:
    """The group in Grafana's provisioning API shape (what `make dashboards` writes)."""
    return {
        "title": "careers-crm",
        "folderUid": folder_uid,
        "interval": EVALUATE_EVERY_SECONDS,
        "rules": [
            {
                "uid": r.uid,
                "title": r.title,
                "condition": "B",
                "for": r.for_,
                "noDataState": r.no_data,
                "execErrState": "Error",
                "labels": r.all_labels(),
                "annotations": r.annotations(runbook_base),
                "data": [
                    {
                        "refId": "A",
                        "datasourceUid": datasource_uid,
                        "relativeTimeRange": {"from": QUERY_WINDOW_SECONDS, "to": 0},
                        "model": r.query_model(datasource_uid),
                    },
                    {
                        "refId": "B",
                        "datasourceUid": EXPR_DATASOURCE,
                        "relativeTimeRange": {"from": 0, "to": 0},
                        "model": r.condition_model(),
                    },
                ],
            }
            for r in rules
        ],
    }


def model_json(model: dict[str, Any]) -> str:
    return json.dumps(model, sort_keys=True, separators=(",", ":"))
