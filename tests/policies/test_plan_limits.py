"""Plan limits follow the configured Cloudflare plan: the stack's cloudflare.plan (from
Pulumi.<stack>.yaml offline, from PULUMI_CONFIG inside the engine), unless the policy config
overrides it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from policies.evaluate import PROJECT_ROOT, evaluate, load_stack_config
from policies.graph import parse_graph, stack_args
from policies.rules.edge import rate_limit_shape
from tests.policies.graphs import phase

PLAN = "careers-crm:cloudflare.plan"


def _two_rate_rules(data: dict[str, Any]) -> dict[str, Any]:
    rules = phase(data, "http_ratelimit")["inputs"]["rules"]
    rules.append(dict(rules[0], description="second"))
    return data


def _edge010(data: dict[str, Any], stack: dict[str, Any], policy: dict[str, Any]) -> list[str]:
    evaluation = evaluate(parse_graph(data), config=policy, stack_config=stack)
    return [f.message for f in evaluation.findings if f.policy_id == "CRM-EDGE-010"]


def test_prod_stack_file_declares_the_plan_the_rules_use() -> None:
    assert load_stack_config(PROJECT_ROOT, "prod")[PLAN] == "free"


def test_two_rate_limit_rules_fit_pro_but_not_free(prod_data: dict[str, Any]) -> None:
    data = _two_rate_rules(prod_data)
    assert _edge010(data, {PLAN: "pro"}, {}) == []
    assert any("the free plan allows 1" in m for m in _edge010(data, {PLAN: "free"}, {}))


def test_policy_config_overrides_the_stack_plan(prod_data: dict[str, Any]) -> None:
    data = _two_rate_rules(prod_data)
    override = {"CRM-EDGE-010": {"cloudflarePlan": "free"}}
    assert _edge010(data, {PLAN: "pro"}, override)


def test_inside_the_engine_the_plan_comes_from_pulumi_config(
    prod_data: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = stack_args(parse_graph(_two_rate_rules(prod_data)), {})
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps({PLAN: "pro"}))
    assert list(rate_limit_shape(args)) == []
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps({PLAN: "free"}))
    assert list(rate_limit_shape(args))
