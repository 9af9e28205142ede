"""common/quotas.yaml read into typed, validated objects. It lives in common/ because the
budget (policies/budget) and the alerts at 80 % of a quota (dashboards/alerts.py) share it.

A quota file that cannot be trusted is refused as a whole (`QuotaFileError` names every bad
field and its fix): a budget computed against a half-read file would look authoritative.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DEFAULT_PATH = Path(__file__).with_name("quotas.yaml")
PERIODS = ("total", "month", "day", "window", "concurrent")


class QuotaFileError(Exception):
    """quotas.yaml is malformed; `problems` holds one line per field."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{path}: {len(problems)} problem(s):\n{lines}")


@dataclass(frozen=True)
class Quota:
    service: str
    id: str
    metric: str
    limit: float | None  # None: unknown (see `unknown`)
    unit: str
    period: str
    source: str
    read: str
    via: str | None = None
    note: str | None = None
    unknown: str | None = None


@dataclass(frozen=True)
class PaidTier:
    plan: str
    base_usd: float | None
    source: str
    read: str
    included: dict[str, float] = field(default_factory=dict)
    overage_usd: dict[str, float] = field(default_factory=dict)
    via: str | None = None
    unknown: str | None = None


@dataclass(frozen=True)
class Service:
    id: str
    title: str
    plan_key: str | None
    plans: dict[str, tuple[Quota, ...]]
    paid: PaidTier

    def quotas(self, plan: str | None) -> tuple[Quota, ...]:
        """The quotas of `plan` (the plan config's value), the free plan when unset/unknown."""
        return self.plans.get(plan or "free", self.plans["free"])


class _Check:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def text(self, where: str, data: dict[str, Any], key: str, required: bool = True) -> str:
        value = data.get(key)
        if value is None and not required:
            return ""
        if isinstance(value, datetime.date):
            return value.isoformat()
        if not isinstance(value, str) or not value.strip():
            self.problems.append(f"{where}.{key}: must be a non-empty string")
            return ""
        return value

    def number(self, where: str, value: Any, *, optional: bool = False) -> float | None:
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            self.problems.append(f"{where}: must be a number >= 0 (or .inf), got {value!r}")
            return None
        return float(value)

    def url(self, where: str, data: dict[str, Any], key: str, required: bool = True) -> str:
        value = self.text(where, data, key, required)
        if value and not value.startswith("https://"):
            self.problems.append(f"{where}.{key}: must be an https:// URL, got {value!r}")
        return value

    def date(self, where: str, data: dict[str, Any]) -> str:
        value = self.text(where, data, "read")
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            self.problems.append(f"{where}.read: must be the date read, YYYY-MM-DD; got {value!r}")
        return value


def _quota(check: _Check, service: str, where: str, data: Any) -> Quota | None:
    if not isinstance(data, dict):
        check.problems.append(f"{where}: must be a mapping")
        return None
    limit = data.get("limit")
    unknown = check.text(where, data, "unknown", required=False) or None
    if limit is None and unknown is None:
        check.problems.append(f"{where}.limit: give the figure, or `unknown:` with the reason")
    period = check.text(where, data, "period")
    if period and period not in PERIODS:
        check.problems.append(f"{where}.period: must be one of {', '.join(PERIODS)}")
    number = None if limit is None else check.number(f"{where}.limit", limit)
    return Quota(
        service=service,
        id=check.text(where, data, "id"),
        metric=check.text(where, data, "metric"),
        limit=number if number is None or not math.isnan(number) else None,
        unit=check.text(where, data, "unit"),
        period=period,
        source=check.url(where, data, "source"),
        read=check.date(where, data),
        via=check.url(where, data, "via", required=False) or None,
        note=check.text(where, data, "note", required=False) or None,
        unknown=unknown,
    )


def _paid(check: _Check, where: str, data: Any) -> PaidTier:
    if not isinstance(data, dict):
        check.problems.append(f"{where}: the paid tier is required (a mapping)")
        data = {}
    maps: dict[str, dict[str, float]] = {}
    for key in ("included", "overage_usd"):
        raw = data.get(key) or {}
        if not isinstance(raw, dict):
            check.problems.append(f"{where}.{key}: must map metric -> number")
            raw = {}
        maps[key] = {
            str(k): v
            for k, val in raw.items()
            if (v := check.number(f"{where}.{key}.{k}", val)) is not None
        }
    return PaidTier(
        plan=check.text(where, data, "plan"),
        base_usd=check.number(f"{where}.base_usd", data.get("base_usd"), optional=True),
        source=check.url(where, data, "source"),
        read=check.date(where, data),
        included=maps["included"],
        overage_usd=maps["overage_usd"],
        via=check.url(where, data, "via", required=False) or None,
        unknown=check.text(where, data, "unknown", required=False) or None,
    )


def load_quotas(path: Path = DEFAULT_PATH) -> dict[str, Service]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise QuotaFileError(path, [f"cannot read it: {exc}"]) from None
    check = _Check()
    services_raw = raw.get("services") if isinstance(raw, dict) else None
    if not isinstance(services_raw, dict) or not services_raw:
        raise QuotaFileError(path, ["services: must map service id -> service"])
    services: dict[str, Service] = {}
    for sid, data in services_raw.items():
        where = f"services.{sid}"
        if not isinstance(data, dict):
            check.problems.append(f"{where}: must be a mapping")
            continue
        plans_raw = data.get("plans")
        if not isinstance(plans_raw, dict) or "free" not in plans_raw:
            check.problems.append(f"{where}.plans: must list at least the `free` plan")
            continue
        plans: dict[str, tuple[Quota, ...]] = {}
        for plan, body in plans_raw.items():
            items = body.get("quotas") if isinstance(body, dict) else None
            if not isinstance(items, list) or not items:
                check.problems.append(f"{where}.plans.{plan}.quotas: must be a non-empty list")
                continue
            quotas = [
                _quota(check, sid, f"{where}.plans.{plan}.quotas[{i}]", item)
                for i, item in enumerate(items)
            ]
            plans[str(plan)] = tuple(q for q in quotas if q is not None)
        services[str(sid)] = Service(
            id=str(sid),
            title=check.text(where, data, "title"),
            plan_key=check.text(where, data, "plan_key", required=False) or None,
            plans=plans,
            paid=_paid(check, f"{where}.paid", data.get("paid")),
        )
    if check.problems:
        raise QuotaFileError(path, check.problems)
    return services
