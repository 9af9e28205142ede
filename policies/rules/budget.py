"""Budget rules: a stack whose projected usage exceeds a free quota is a finding.

Advisory by default (CRM-BUDGET-001); with budget.enforce on, the same check is mandatory
(CRM-BUDGET-002) and blocks the deploy. Usage is the projection of policies/budget from
unit costs this repository measured (`make unit-costs`); without them nothing is claimed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pulumi_policy import StackValidationArgs

from policies import controls as c
from policies.budget.stack import STATUS_MEASURED, stack_budget
from policies.evidence import Evidence
from policies.model import Rule, Violation
from policies.rules._define import ADVISORY, MANDATORY, MEDIUM, stack_rule
from policies.settings import STACK_CONFIG_KEY, _engine_config

RULES: list[Rule] = []

_DESCRIPTION = (
    "The platform promises $0/month on free tiers. A quota that the configured workload "
    "(budget.*) outgrows turns into a bill, a paused project or refused writes/emails."
)
_REMEDIATION = (
    "Read the budget section of the report (first quota to break and at what scale): lower "
    "the workload's use of that service, budget the paid tier it names, or change the design."
)


def _stack_config(args: StackValidationArgs) -> dict[str, Any]:
    config = args.get_config()
    stack = config.get(STACK_CONFIG_KEY)
    return dict(stack) if isinstance(stack, dict) else dict(_engine_config())


def _over_quota(args: StackValidationArgs, enforced: bool) -> Iterator[Violation | Evidence]:
    """Violations for quotas exceeded; Evidence for every quota projected. Nothing at all
    (so: not applicable) without measured unit costs or when the other rule is the active one."""
    budget = stack_budget(_stack_config(args))
    if budget["status"] != STATUS_MEASURED or budget["enforce"] != enforced:
        return
    for sid, service in budget["services"].items():
        for q in service["quotas"]:
            if q["projected"] is not None:
                yield Evidence(
                    service["title"],
                    f"{q['quota']} ({q['metric']} a {q['period']})",
                    f"{_fmt(q['projected'], q['unit'])} of {_fmt(q['limit'], q['unit'])}: "
                    f"{q['status']}",
                )
            if q["status"] != "over":
                continue
            yield Violation(
                f"{service['title']}: projected {q['metric']} {_fmt(q['projected'], q['unit'])}"
                f" a {q['period']} exceeds the free {q['quota']} quota of "
                f"{_fmt(q['limit'], q['unit'])} (fits up to {q['breaks_at_scale']}x the "
                f"budget.* workload; source {q['source']}, read {q['read']})",
                path=f"budget.{sid}.{q['quota']}",
                actual=q["projected"],
                required=f"<= {q['limit']}",
            )


def _fmt(value: Any, unit: str) -> str:
    if not isinstance(value, int | float):
        return str(value)
    if unit == "bytes":
        return f"{value / 1e9:,.2f} GB"
    return f"{value:,.0f} {unit}"


@stack_rule(
    RULES,
    id="CRM-BUDGET-001",
    title="Projected usage fits the free quotas",
    severity=MEDIUM,
    enforcement=ADVISORY,
    controls=[c.SOC2_A1_1],
    description=_DESCRIPTION,
    remediation=_REMEDIATION,
)
def within_free_quotas(args: StackValidationArgs) -> Iterator[Violation | Evidence]:
    yield from _over_quota(args, enforced=False)


@stack_rule(
    RULES,
    id="CRM-BUDGET-002",
    title="Projected usage fits the free quotas (budget.enforce)",
    severity=MEDIUM,
    enforcement=MANDATORY,
    controls=[c.SOC2_A1_1],
    description=_DESCRIPTION + " budget.enforce makes this blocking.",
    remediation=_REMEDIATION + " Or set budget.enforce false to make it advisory.",
)
def within_free_quotas_enforced(args: StackValidationArgs) -> Iterator[Violation | Evidence]:
    yield from _over_quota(args, enforced=True)
