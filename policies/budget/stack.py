"""The budget of one stack: its stack file's budget.* workload and facts, the quotas file
and the measured unit costs, joined. Used by the CRM-BUDGET rules and by every report."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from common.quotas import DEFAULT_PATH as QUOTAS_PATH
from common.quotas import QuotaFileError, load_quotas
from policies.budget import units as unit_costs
from policies.budget.model import StackFacts, budget_document
from stacks.config.budget import budget_from_stack_file

STATUS_MEASURED = "measured"
STATUS_UNMEASURED = "unmeasured"  # no unit costs yet: nothing projected, nothing claimed


class BudgetInputError(Exception):
    """The stack's budget.* values or the quotas file are wrong: fix them, then rerun."""


def stack_budget(
    stack_config: Mapping[str, Any],
    *,
    units_path: Path | None = None,  # default: build/bench/unit-costs.json
    quotas_path: Path = QUOTAS_PATH,
) -> dict[str, Any]:
    budget, problems = budget_from_stack_file(stack_config)
    if problems:
        raise BudgetInputError("; ".join(problems))
    try:
        services = load_quotas(quotas_path)
    except QuotaFileError as exc:
        raise BudgetInputError(str(exc)) from None
    try:
        units = unit_costs.load_unit_costs(units_path or unit_costs.DEFAULT_PATH)
    except unit_costs.UnitCostsError as exc:
        return {"status": STATUS_UNMEASURED, "reason": str(exc), "enforce": budget.enforce}
    document = budget_document(services, budget, units, StackFacts.from_stack_file(stack_config))
    return {"status": STATUS_MEASURED, "enforce": budget.enforce, **document}
