"""The projection from unit costs (a unit-costs file in the bench's own format), the
CRM-BUDGET rules' enforcement switch, and the budget section of every report format."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from common.quotas import load_quotas
from policies.audit import write_reports
from policies.budget import units
from policies.budget.model import StackFacts, assess, budget_document
from policies.budget.stack import stack_budget
from policies.budget.units import load_unit_costs
from policies.findings import Finding
from policies.reports.model import AuditResult, Provenance
from policies.rules.budget import RULES
from policies.settings import STACK_CONFIG_KEY
from stacks.config.budget import BudgetConfig


def unit_costs_file(path: Path, *, student_bytes: float = 1000.0) -> Path:
    """A unit-costs file shaped like tests/bench/unit_costs.py writes, with round numbers."""
    per_row = {
        "students": {
            "bytes_per_row": student_bytes,
            "index_bytes_per_row": 0,
            "rows_per_student": 1,
        },
        "applications": {"bytes_per_row": 200.0, "index_bytes_per_row": 0, "rows_per_student": 1},
        "notes": {"bytes_per_row": 300.0, "index_bytes_per_row": 0, "rows_per_student": 1},
    }
    small = {
        "seeded_students": 1000,
        "database_bytes": 1000 * (student_bytes + 200 + 300) + 5_000_000,
        "backup_bytes": 100_000,
        **{t: {"bytes": 0, "index_bytes": 0, "rows": 1000} for t in per_row},
    }
    route = {"log_bytes": 400.0, "log_lines": 2, "response_bytes": 250.0}
    data = {
        "generated_at": "2026-11-30T00:00:00+00:00",
        "git_commit": "0" * 40,
        "postgres": {
            "per_row": per_row,
            "sizes": [small],
            "database_bytes_per_student": student_bytes + 500,
            "backup_bytes_per_student": 100.0,
            "backup_fixed_bytes": 0.0,
            "r2_ops_per_backup": {"PutObject": 2, "HeadObject": 1},
            "r2_class_a_per_backup": 2,
            "r2_class_b_per_backup": 1,
        },
        "requests": {
            "repeats": 1,
            "metric_series_per_replica": 100,
            "metric_scrape_bytes": 1,
            "routes": {
                "GET /students/{id}": {**route, "redis_commands": 2.0},
                "GET /students": {**route, "redis_commands": 0.0},
                "POST /students/{id}/applications": {**route, "redis_commands": 4.0},
            },
        },
        "reminders": {
            "emails_per_reminder": 1.0,
            "reminders": 1,
            "resend_requests_per_reminder": 1,
        },
        "actions": {
            "workflows": {
                "backup.yml": {
                    "jobs": {"backup": 60},
                    "max_minutes_per_run": 60,
                    "triggers": ["schedule"],
                    "schedules": {
                        "17 3 * * *": {"runs_per_month": 30.0, "max_minutes_per_run": 60}
                    },
                },
                "ci.yml": {
                    "jobs": {"test": 30},
                    "max_minutes_per_run": 30,
                    "triggers": ["pull_request", "push"],
                    "schedules": {},
                },
            }
        },
    }
    path.write_text(json.dumps(data))
    return path


def test_usage_is_the_workload_times_the_measured_unit_costs(tmp_path: Path) -> None:
    u = load_unit_costs(unit_costs_file(tmp_path / "u.json"))
    w = BudgetConfig(
        students=100_000,
        applications_per_day=1_000,
        notes_per_student=1.0,
        applications_retained_days=365,
        active_days_per_month=30.44,
    )
    quotas = {q.id: q for q in load_quotas()["supabase"].quotas(None)}
    db = assess(quotas["database_size"], w, u, StackFacts())
    expected = 5_000_000 + 100_000 * 1000 + 1_000 * 365 * 200 + 100_000 * 300
    assert db.projected == pytest.approx(expected)
    assert db.status == "within" and db.headroom == pytest.approx(500_000_000 - expected)
    # The breaking scale is exact: the workload scaled by it uses exactly the quota.
    assert db.breaks_at_scale is not None
    at_break = assess(quotas["database_size"], w.scaled(db.breaks_at_scale), u, StackFacts())
    assert at_break.projected == pytest.approx(500_000_000, rel=1e-3)


def test_every_quota_gets_a_status_and_the_first_to_break_is_the_smallest_scale(
    tmp_path: Path,
) -> None:
    u = load_unit_costs(unit_costs_file(tmp_path / "u.json"))
    doc = budget_document(load_quotas(), BudgetConfig(), u, StackFacts())
    statuses = {
        f"{sid}.{q['quota']}": q["status"]
        for sid, s in doc["services"].items()
        for q in s["quotas"]
    }
    assert statuses["railway.usage_credit"] == "not-modelled"
    assert statuses["grafana_cloud.logs"] == "not-applicable"  # logs go to Better Stack
    assert statuses["grafana_cloud.traces"] == "not-modelled"
    assert statuses["github_actions.minutes_private"] == "informational"
    assert statuses["resend.emails_per_day"] == "over"  # 10,000 a day against 100
    scales = [
        q["breaks_at_scale"]
        for s in doc["services"].values()
        for q in s["quotas"]
        if isinstance(q["breaks_at_scale"], float)
    ]
    assert doc["first_to_break"]["scale"] == pytest.approx(min(scales), abs=1e-4)
    assert [c["claimed_usd"] for c in doc["cost_claims"]] == [0.0, 50.0, 200.0, 500.0]


def test_upstash_on_pay_as_you_go_has_no_command_quota(tmp_path: Path) -> None:
    u = load_unit_costs(unit_costs_file(tmp_path / "u.json"))
    free = budget_document(load_quotas(), BudgetConfig(), u, StackFacts())
    payg = budget_document(
        load_quotas(), BudgetConfig(), u, StackFacts(plans=(("upstash.plan", "payg"),))
    )
    assert "upstash.commands" in free["over"] and "upstash.commands" not in payg["over"]
    assert payg["services"]["upstash"]["plan"] == "payg"


class Args:
    """What a stack rule reads: the pack config with the stack file's `config:` block."""

    def __init__(self, stack: dict[str, Any]) -> None:
        self._config = {STACK_CONFIG_KEY: stack}

    def get_config(self) -> dict[str, Any]:
        return self._config


@pytest.mark.parametrize("enforce", [False, True])
def test_over_a_free_quota_is_advisory_unless_budget_enforce(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, enforce: bool
) -> None:
    monkeypatch.setattr(units, "DEFAULT_PATH", unit_costs_file(tmp_path / "u.json"))
    args = Args({"careers-crm:budget.enforce": str(enforce).lower()})
    found = {rule.id: rule.run_stack(args)[0] for rule in RULES}  # type: ignore[arg-type]
    seen = {rule.id: rule.run_stack(args)[1] for rule in RULES}  # type: ignore[arg-type]
    active, idle = (
        ("CRM-BUDGET-002", "CRM-BUDGET-001")
        if enforce
        else (
            "CRM-BUDGET-001",
            "CRM-BUDGET-002",
        )
    )
    assert found[idle] == [] and seen[idle] == []  # the idle rule inspects nothing: n/a
    assert any(e.setting.startswith("metric_series") for e in seen[active])
    paths = {v.path for v in found[active]}
    assert "budget.resend.emails_per_day" in paths
    assert "budget.grafana_cloud.metric_series" not in paths  # within its quota
    rules = {r.id: r for r in RULES}
    assert rules[active].enforcement.value == ("mandatory" if enforce else "advisory")


def test_without_measured_unit_costs_nothing_is_claimed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(units, "DEFAULT_PATH", tmp_path / "absent.json")
    budget = stack_budget({})
    assert budget["status"] == "unmeasured" and "make unit-costs" in budget["reason"]
    assert all(rule.run_stack(Args({})) == ([], []) for rule in RULES)  # type: ignore[arg-type]


@pytest.mark.parametrize("enforce", [False, True])
def test_every_report_format_carries_the_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, enforce: bool
) -> None:
    monkeypatch.setattr(units, "DEFAULT_PATH", unit_costs_file(tmp_path / "u.json"))
    budget = stack_budget({"careers-crm:budget.enforce": str(enforce).lower()})
    provenance = Provenance(
        "careers-crm",
        "prod",
        "2026-11-30T00:00:00Z",
        "0" * 40,
        False,
        "resources.json",
        "0" * 64,
        {},
    )
    findings: list[Finding] = []
    write_reports(AuditResult(findings, [], provenance, 0, budget=budget), tmp_path / "r")
    doc = json.loads((tmp_path / "r" / "findings.json").read_text())
    entry = doc["budget"]["services"]["resend"]
    assert entry["first_to_break"]["quota"] == "resend.emails_per_day"
    quota = next(q for q in entry["quotas"] if q["quota"] == "emails_per_day")
    assert {"projected", "limit", "headroom", "breaks_at_scale"} <= set(quota)
    md = (tmp_path / "r" / "report.md").read_text()
    assert "### Free-tier budget" in md and "First to break:" in md
    assert "emails_per_day" in (tmp_path / "r" / "index.html").read_text()
    sarif = json.loads((tmp_path / "r" / "findings.sarif").read_text())
    assert sarif["runs"][0]["invocations"][0]["properties"]["budget"]["over"] == budget["over"]
    junit = ET.parse(tmp_path / "r" / "junit.xml").getroot()
    suite = next(s for s in junit.iter("testsuite") if s.get("name") == "budget")
    failures = int(suite.get("failures", "0"))
    assert (failures == len(budget["over"])) if enforce else failures == 0
