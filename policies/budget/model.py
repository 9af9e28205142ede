"""Workload x measured unit costs -> monthly usage per free-tier quota, headroom, the scale
at which each quota breaks, and what the paid tiers would cost at the seed's claimed scales.

Every usage is affine in the workload's scale (fixed overhead + per-unit slope), so the
breaking scale of a quota is solved exactly from the usage at scale 1 and scale 2.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

from common.quotas import Quota, Service
from policies.budget.units import UnitCosts
from stacks.config.budget import BudgetConfig
from stacks.config.reader import PROJECT

DAYS_PER_MONTH = 30.44
# The seed's cost claims: monthly active users -> claimed monthly cost (USD).
SEED_CLAIMS: tuple[tuple[int, float], ...] = ((10_000, 50.0), (50_000, 200.0), (100_000, 500.0))


@dataclass(frozen=True)
class StackFacts:
    """What the stack config says about the deployment (defaults: Pulumi.yaml's)."""

    api_replicas: int = 1
    backup_retention_days: int = 30
    traces_sample_rate: float = 0.1
    upstash_enabled: bool = True
    plans: tuple[tuple[str, str], ...] = ()  # (plan config key, value)

    @classmethod
    def from_stack_file(cls, config: Mapping[str, Any]) -> StackFacts:
        def get(key: str, default: str) -> str:
            value = config.get(f"{PROJECT}:{key}")
            return default if value is None else str(value).lower()

        return cls(
            api_replicas=int(get("railway.apiReplicas", "1")),
            backup_retention_days=int(get("r2.backupRetentionDays", "30")),
            traces_sample_rate=float(get("app.sentryTracesSampleRate", "0.1")),
            upstash_enabled=get("upstash.enabled", "true") == "true",
            plans=tuple((k, get(k, "free")) for k in ("cloudflare.plan", "upstash.plan")),
        )

    def plan(self, key: str | None) -> str | None:
        return dict(self.plans).get(key) if key else None


Projection = Callable[[BudgetConfig, UnitCosts, StackFacts], float]


def _requests(w: BudgetConfig) -> float:
    minutes = 60 * w.active_hours_per_day * w.active_days_per_month
    return w.concurrent_users * w.requests_per_user_per_minute * minutes


def _writes(w: BudgetConfig) -> float:
    return w.applications_per_day * w.active_days_per_month


def _database(w: BudgetConfig, u: UnitCosts, _: StackFacts) -> float:
    applications = (
        w.applications_per_day
        * w.applications_retained_days
        * (w.active_days_per_month / DAYS_PER_MONTH)
    )
    return (
        u.database_fixed_bytes
        + w.students * u.student_bytes
        + applications * u.application_bytes
        + w.students * w.notes_per_student * u.note_bytes
    )


def _backup_bytes(w: BudgetConfig, u: UnitCosts) -> float:
    return u.backup_fixed_bytes + w.students * u.backup_bytes_per_student


def _redis(w: BudgetConfig, u: UnitCosts, f: StackFacts) -> float:
    if not f.upstash_enabled:
        return 0.0
    writes = min(_writes(w), _requests(w))
    return (_requests(w) - writes) * u.read_redis_commands + writes * u.write_redis_commands


def _emails_day(w: BudgetConfig, u: UnitCosts, _: StackFacts) -> float:
    return w.applications_per_day * w.reminders_per_application * u.emails_per_reminder


def _actions(w: BudgetConfig, u: UnitCosts, _: StackFacts) -> float:
    return u.actions_minutes_scheduled + w.ci_runs_per_month * u.actions_minutes_per_push


# metric -> (projection, how it is computed)
PROJECTIONS: dict[str, tuple[Projection, str]] = {
    "database_bytes": (
        _database,
        "students, retained applications and notes x measured bytes per row (with indexes)",
    ),
    "api_egress_bytes": (
        lambda w, u, f: _requests(w) * u.response_bytes_per_request,
        "API requests x measured response bytes (what leaves the database, approximately)",
    ),
    "auth_mau": (lambda w, u, f: float(w.monthly_active_users), "budget.monthlyActiveUsers"),
    "idle_days": (
        lambda w, u, f: DAYS_PER_MONTH / u.backups_per_month,
        "longest gap between nightly backups (each is database activity)",
    ),
    "r2_storage_bytes": (
        lambda w, u, f: _backup_bytes(w, u) * f.backup_retention_days,
        "measured compressed backup bytes x backups retained (r2.backupRetentionDays)",
    ),
    "r2_class_a": (
        lambda w, u, f: u.r2_class_a_per_backup * u.backups_per_month,
        "measured Class A operations per backup x backups a month",
    ),
    "r2_class_b": (
        lambda w, u, f: u.r2_class_b_per_backup * u.backups_per_month,
        "measured Class B operations per backup x backups a month",
    ),
    "redis_commands": (_redis, "reads and writes x measured Redis commands per request"),
    "sentry_spans": (
        lambda w, u, f: _requests(w) * f.traces_sample_rate,
        "requests x app.sentryTracesSampleRate (one transaction each: a lower bound)",
    ),
    "emails_per_day": (_emails_day, "applications a day x reminders x measured emails each"),
    "emails": (
        lambda w, u, f: _emails_day(w, u, f) * w.active_days_per_month,
        "emails a day x active days",
    ),
    "log_bytes": (
        lambda w, u, f: _requests(w) * u.log_bytes_per_request,
        "requests x measured JSON log bytes per request",
    ),
    "metric_series": (
        lambda w, u, f: float(u.metric_series_per_replica * f.api_replicas),
        "measured series per API replica x railway.apiReplicas",
    ),
    "actions_minutes": (_actions, "scheduled runs + budget.ciRunsPerMonth pushes x job timeouts"),
    "actions_minutes_if_private": (_actions, "as actions_minutes"),
}

NOT_MODELLED: dict[str, str] = {
    "railway_usd": "CPU/RAM use of the API and worker is not measured here",
    "web_edge_requests": "the static front's page loads are not measured here",
    "web_transfer_bytes": "the static front's bundle size x page loads is not measured here",
    "redis_data_bytes": "cache size depends on the TTL working set, not measured here",
    "redis_bandwidth_bytes": "bytes per Redis command are not measured here",
    "sentry_errors": "depends on the error rate, which is not a workload input",
    "grafana_trace_bytes": "the API exports OTLP traces (app/telemetry.py); bytes per span "
    "are not measured by the unit-cost bench yet",
}
# Shown for comparison, never a breach: what would apply if a setting changed.
INFORMATIONAL: dict[str, str] = {
    "actions_minutes_if_private": "the repository is public (infra/github/repository.py); "
    "this is the allowance it would have if made private",
}
NOT_APPLICABLE: dict[str, str] = {
    "grafana_log_bytes": "the API ships its logs to Better Stack (app/telemetry_logs.py), "
    "not to Grafana Cloud Loki",
}


@dataclass(frozen=True)
class QuotaBudget:
    service: str
    quota: str
    metric: str
    unit: str
    period: str
    status: str  # within | over | informational | unknown-limit | not-modelled | not-applicable
    projected: float | None
    limit: float | None
    headroom: float | None
    used_fraction: float | None
    breaks_at_scale: float | None  # workload multiple at which usage reaches the limit
    how: str
    source: str
    read: str

    def as_dict(self) -> dict[str, Any]:
        return {k: _json_number(v) for k, v in asdict(self).items()}


def _json_number(value: Any) -> Any:
    if isinstance(value, float) and math.isinf(value):
        return "unlimited"
    if isinstance(value, float):
        return round(value, 4)
    return value


def assess(quota: Quota, w: BudgetConfig, u: UnitCosts, f: StackFacts) -> QuotaBudget:
    base = QuotaBudget(
        service=quota.service,
        quota=quota.id,
        metric=quota.metric,
        unit=quota.unit,
        period=quota.period,
        status="not-modelled",
        projected=None,
        limit=quota.limit,
        headroom=None,
        used_fraction=None,
        breaks_at_scale=None,
        how=NOT_MODELLED.get(quota.metric, "no projection for this metric"),
        source=quota.source,
        read=quota.read,
    )
    if quota.metric in NOT_APPLICABLE:
        return replace(base, status="not-applicable", how=NOT_APPLICABLE[quota.metric])
    if quota.metric not in PROJECTIONS:
        return base
    project, how = PROJECTIONS[quota.metric]
    at1 = project(w, u, f)
    at2 = project(w.scaled(2), u, f)
    slope, fixed = at2 - at1, 2 * at1 - at2
    if quota.limit is None:
        unknown = f"{how}; limit unknown: {quota.unknown}"
        return replace(base, status="unknown-limit", how=unknown, projected=at1)
    limit = quota.limit
    if math.isinf(limit):
        breaks = math.inf
    elif slope > 1e-9:
        breaks = max((limit - fixed) / slope, 0.0)
    else:
        breaks = math.inf if fixed <= limit else 0.0
    informational = quota.metric in INFORMATIONAL
    return replace(
        base,
        status="informational" if informational else "over" if at1 > limit else "within",
        how=f"{how}; {INFORMATIONAL[quota.metric]}" if informational else how,
        projected=at1,
        headroom=limit - at1,
        used_fraction=0.0 if math.isinf(limit) else (at1 / limit if limit else math.inf),
        breaks_at_scale=None if informational else breaks,
    )


def service_cost(service: Service, w: BudgetConfig, u: UnitCosts, f: StackFacts) -> dict[str, Any]:
    """Monthly USD of `service` at workload `w`: 0 inside the free quotas, else the paid tier."""
    assessed = [assess(q, w, u, f) for q in service.quotas(f.plan(service.plan_key))]
    over = [a for a in assessed if a.status == "over"]
    if not over:
        return {"usd": 0.0, "plan": "free", "priced": True}
    paid = service.paid
    if paid.base_usd is None:
        return {"usd": None, "plan": paid.plan, "priced": False, "why": paid.unknown}
    usd = paid.base_usd
    priced = True
    for a in over:
        included = paid.included.get(a.metric)
        price = paid.overage_usd.get(a.metric)
        projected = a.projected or 0.0
        if included is not None and projected <= included:
            continue
        if price is None:
            priced = False
            continue
        usd += (projected - (included or 0.0)) * price
    # Metrics billed per unit on the paid tier even when no free quota covers them.
    for metric, price in paid.overage_usd.items():
        if any(a.metric == metric for a in over) or metric not in PROJECTIONS:
            continue
        projected = PROJECTIONS[metric][0](w, u, f)
        usd += max(projected - paid.included.get(metric, 0.0), 0.0) * price
    return {"usd": round(usd, 2), "plan": paid.plan, "priced": priced, "why": paid.unknown}


def budget_document(
    services: Mapping[str, Service], w: BudgetConfig, u: UnitCosts, f: StackFacts
) -> dict[str, Any]:
    """The `budget` object of findings.json: per service, then the first quota to break."""
    per_service: dict[str, Any] = {}
    everything: list[QuotaBudget] = []
    for sid, service in services.items():
        plan = f.plan(service.plan_key) or "free"
        assessed = [assess(q, w, u, f) for q in service.quotas(plan)]
        everything += assessed
        breaking = [a for a in assessed if a.breaks_at_scale is not None]
        first = min(breaking, key=lambda a: a.breaks_at_scale or 0.0, default=None)
        per_service[sid] = {
            "title": service.title,
            "plan": plan,
            "quotas": [a.as_dict() for a in assessed],
            "first_to_break": None if first is None else _breaking(first, w),
        }
    breaking = [a for a in everything if a.breaks_at_scale is not None]
    first = min(breaking, key=lambda a: a.breaks_at_scale or 0.0, default=None)
    return {
        "workload": asdict(w),
        "unit_costs": u.as_dict(),
        "services": per_service,
        "over": [f"{a.service}.{a.quota}" for a in everything if a.status == "over"],
        "first_to_break": None if first is None else _breaking(first, w),
        "cost_claims": cost_claims(services, w, u, f),
    }


def _breaking(a: QuotaBudget, w: BudgetConfig) -> dict[str, Any]:
    scale = a.breaks_at_scale
    at = None if scale is None or math.isinf(scale) else w.scaled(scale)
    return {
        "quota": f"{a.service}.{a.quota}",
        "scale": _json_number(scale),
        "students": None if at is None else at.students,
        "monthly_active_users": None if at is None else at.monthly_active_users,
        "concurrent_users": None if at is None else at.concurrent_users,
    }


def cost_claims(
    services: Mapping[str, Service], w: BudgetConfig, u: UnitCosts, f: StackFacts
) -> list[dict[str, Any]]:
    """The seed's $0 / ~$50 / ~$200 / ~$500 against the model at those user counts."""
    points: list[tuple[str, float, BudgetConfig]] = [("configured workload", 0.0, w)]
    for users, claimed in SEED_CLAIMS:
        scale = users / w.monthly_active_users if w.monthly_active_users else 0.0
        points.append((f"{users:,} monthly active users", claimed, w.scaled(scale)))
    out = []
    for label, claimed, workload in points:
        costs = {sid: service_cost(s, workload, u, f) for sid, s in services.items()}
        known = sum(c["usd"] for c in costs.values() if c["usd"] is not None)
        unpriced = sorted(sid for sid, c in costs.items() if not c["priced"])
        out.append(
            {
                "at": label,
                "claimed_usd": claimed,
                "modelled_usd": round(known, 2),
                "lower_bound": bool(unpriced),
                "unpriced_services": unpriced,
                "holds": known <= claimed * 1.2 and not unpriced,
                "by_service": {sid: c["usd"] for sid, c in costs.items() if c["usd"] != 0.0},
            }
        )
    return out
