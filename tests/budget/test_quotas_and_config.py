"""The quota file is complete and sourced, refuses bad data field by field, and the budget.*
config keys agree with Pulumi.yaml and reject bad values with the key named."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from common.quotas import DEFAULT_PATH, QuotaFileError, load_quotas
from policies.settings import CLOUDFLARE_PLAN_LIMITS
from stacks.config.budget import KEYS, BudgetConfig, budget_from_stack_file
from stacks.config.cache import UPSTASH_PLANS
from stacks.offline.stack_files import declared_config
from tests.support.config import load_with, problems

ROOT = Path(__file__).resolve().parents[2]
SERVICES = {
    "supabase",
    "railway",
    "vercel",
    "cloudflare_r2",
    "upstash",
    "sentry",
    "resend",
    "betterstack",
    "grafana_cloud",
    "github_actions",
}


def test_every_service_the_brief_names_has_sourced_dated_quotas() -> None:
    services = load_quotas()
    assert set(services) == SERVICES
    for service in services.values():
        for plan, quotas in service.plans.items():
            for q in quotas:
                assert q.source.startswith("https://"), (service.id, plan, q.id)
                assert len(q.read) == 10 and q.read.startswith("20"), (service.id, q.id)
                assert q.limit is not None or q.unknown, (service.id, q.id)


def test_plan_aware_services_cover_every_plan_the_config_accepts() -> None:
    services = load_quotas()
    assert services["cloudflare_r2"].plan_key == "cloudflare.plan"
    assert set(services["cloudflare_r2"].plans) == set(CLOUDFLARE_PLAN_LIMITS)
    assert services["upstash"].plan_key == "upstash.plan"
    assert set(services["upstash"].plans) == set(UPSTASH_PLANS)
    free = {q.id for q in services["upstash"].quotas("free")}
    payg = {q.id for q in services["upstash"].quotas("payg")}
    assert "commands" in free and "commands" not in payg  # pay as you go bills per command


def test_key_figures_as_read() -> None:
    by_id = {(q.service, q.id): q.limit for s in load_quotas().values() for q in s.quotas(None)}
    assert by_id[("supabase", "database_size")] == 500_000_000
    assert by_id[("upstash", "commands")] == 500_000
    assert by_id[("resend", "emails_per_day")] == 100
    assert by_id[("resend", "emails_per_month")] == 3_000
    assert by_id[("cloudflare_r2", "class_a_operations")] == 1_000_000


@pytest.mark.parametrize(
    ("mutate", "named"),
    [
        (lambda q: q.pop("source"), "quotas[0].source: must be a non-empty string"),
        (lambda q: q.update(source="http://x.test"), "must be an https:// URL"),
        (lambda q: q.update(read="last week"), "quotas[0].read: must be the date read"),
        (lambda q: q.pop("limit"), "quotas[0].limit: give the figure, or `unknown:`"),
        (lambda q: q.update(limit=-1), "quotas[0].limit: must be a number >= 0"),
        (lambda q: q.update(period="fortnight"), "quotas[0].period: must be one of"),
    ],
)
def test_a_bad_quota_is_refused_naming_the_field(
    tmp_path: Path, mutate: object, named: str
) -> None:
    data = yaml.safe_load(DEFAULT_PATH.read_text())
    mutate(data["services"]["resend"]["plans"]["free"]["quotas"][0])  # type: ignore[operator]
    path = tmp_path / "quotas.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(QuotaFileError) as caught:
        load_quotas(path)
    assert any("services.resend.plans.free." in p and named in p for p in caught.value.problems)


def test_pulumi_yaml_declares_every_budget_key_with_the_loaders_default() -> None:
    # Dotted keys are declared as quoted property paths for the real CLI ('["budget.x"]'),
    # and decimals as strings: Pulumi's config types have no `number`.
    declared = declared_config(yaml.safe_load((ROOT / "Pulumi.yaml").read_text()))
    budget_keys = {k for k in declared if k.startswith("budget.")}
    assert budget_keys == set(KEYS)
    defaults = BudgetConfig()
    for key, (field, kind, _) in KEYS.items():
        assert "default" in declared[key], key
        assert kind(declared[key]["default"]) == getattr(defaults, field), key
    assert load_with().budget == defaults


def test_budget_values_from_the_stack_file_and_their_errors() -> None:
    budget, errors = budget_from_stack_file(
        {"careers-crm:budget.students": "250000", "careers-crm:budget.enforce": True}
    )
    assert (budget.students, budget.enforce, errors) == (250_000, True, [])
    found = problems(
        **{
            "budget.students": "lots",
            "budget.activeHoursPerDay": "25",
            "budget.enforce": "maybe",
            "budget.concurrentUsers": "-3",
        }
    )
    assert "careers-crm:budget.students: must be a whole number, e.g. 1000000; got 'lots'" in found
    assert "careers-crm:budget.activeHoursPerDay: must be between 0 and 24, got 25" in found
    assert "careers-crm:budget.enforce: must be true or false, got 'maybe'" in found
    assert "careers-crm:budget.concurrentUsers: must be at least 0, got -3" in found
