"""The budget of one stack: its stack file's budget.* workload and facts, the quotas file
and the measured unit costs, joined. Used by the CRM-BUDGET rules and by every report."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from policies.budget.model import StackFacts, budget_document
from policies.budget.quotas import DEFAULT_PATH as QUOTAS_PATH
from policies.budget.quotas import QuotaFileError, load_quotas
from policies.budget.units import DEFAULT_PATH as UNITS_PATH
from policies.budget.units import UnitCostsError, load_unit_costs
from stacks.config.budget import budget_from_stack_file

STATUS_MEASURED = "measured"
STATUS_UNMEASURED = "unmeasured"  # no unit costs yet: nothing projected, nothing claimed


class BudgetInputError(Exception):
    """The stack's budget.* values or the quotas file are wrong: fix them, then rerun."""


def stack_budget(
    stack_config: Mapping[str, Any],
    *,
    units_path: Path = UNITS_PATH,
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
        units = load_unit_costs(units_path)
    except UnitCostsError as exc:
        return {"status": STATUS_UNMEASURED, "reason": str(exc), "enforce": budget.enforce}
    document = budget_document(services, budget, units, StackFacts.from_stack_file(stack_config))
    return {"status": STATUS_MEASURED, "enforce": budget.enforce, **document}
