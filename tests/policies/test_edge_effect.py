"""Regression tests for the edge protections issue 10 found hollow: judged by what they match
among the routes the app really serves, not by the text of the expression."""

from __future__ import annotations

from typing import Any

from infra.cloudflare.plans import LIMITS
from infra.cloudflare.waf import custom_rules
from policies.routes import api_routes
from stacks.config.edge import DEFAULT_RATE_LIMITS
from tests.policies.conftest import reviewed, run
from tests.policies.graphs import phase
from tests.policies.mutations import OLD_CHALLENGE_EXPRESSION, OLD_RATE_LIMIT_EXPRESSION


def _blocking(data: dict[str, Any], options: dict[str, Any]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for f in reviewed(run(data, options).findings):
        if f.blocking:
            found.setdefault(f.policy_id, []).append(f.message)
    return found


def test_the_old_rate_limit_expression_is_caught_as_covering_no_api_route(
    prod_data: dict[str, Any], prod_plan: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    """It used to pass CRM-EDGE-006, because the rule only looked for "/auth/" in the text."""
    phase(prod_data, "http_ratelimit")["inputs"]["rules"][0]["expression"] = (
        OLD_RATE_LIMIT_EXPRESSION
    )
    blocking = _blocking(prod_data, prod_plan[1])
    assert "CRM-EDGE-006" in blocking
    needed = [r for r in api_routes() if r.write or r.credentials]
    assert f"{len(needed)} of {len(needed)} write or credential" in blocking["CRM-EDGE-006"][0]
    assert any("protects nothing" in m for m in blocking["CRM-EDGE-013"])


def test_the_old_auth_bot_challenge_is_caught_as_protecting_nothing(
    prod_data: dict[str, Any], prod_plan: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    phase(prod_data, "http_request_firewall_custom")["inputs"]["rules"].append(
        {
            "action": "managed_challenge",
            "enabled": True,
            "description": "x",
            "expression": OLD_CHALLENGE_EXPRESSION,
        }
    )
    blocking = _blocking(prod_data, prod_plan[1])
    assert list(blocking) == ["CRM-EDGE-013"]


def test_the_stack_no_longer_ships_a_challenge_on_the_free_plan() -> None:
    actions = [r["action"] for r in custom_rules(LIMITS["free"], "api.careers.example.edu")]
    assert "managed_challenge" not in actions


def test_every_write_and_credential_route_is_rate_limited_on_the_real_plan(
    prod_plan: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    evaluation = run(*prod_plan)
    entries = {e["id"]: e for e in evaluation.rule_entries()}
    edge6 = entries["CRM-EDGE-006"]
    assert edge6["status"] == "passed"
    needed = [r for r in api_routes() if r.write or r.credentials]
    assert {
        "setting": "write/credential routes rate limited",
        "subject": "zone fedcba9876543210fedcba9876543210",
        "value": f"{len(needed)} of {len(needed)}",
    } in edge6["evidence"]
    assert entries["CRM-EDGE-013"]["status"] == "passed"


def test_the_default_rate_limit_fits_the_free_plan() -> None:
    """One rule, period 10, timeout 10, path field only (infra/cloudflare/plans.py)."""
    free = LIMITS["free"]
    assert len(DEFAULT_RATE_LIMITS) <= free.rate_limit_rules
    for rule in DEFAULT_RATE_LIMITS:
        assert rule["period"] in free.rate_limit_periods
        assert rule["mitigationTimeout"] in free.mitigation_timeouts
