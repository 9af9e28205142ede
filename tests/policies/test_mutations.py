"""Every weakening change to the real prod plan is caught by the rule meant to catch it,
and the unmutated prod plan passes every mandatory rule."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from policies.rules import ALL_RULES
from tests.policies.conftest import reviewed, run
from tests.policies.mutations import MUTATIONS, Mutation


def test_unmutated_prod_plan_passes_every_mandatory_rule(
    prod_plan: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    """With the reviewed exceptions in policies/exceptions.yaml, as `make audit` applies them."""
    findings = reviewed(run(*prod_plan).findings)
    blocking = [(f.policy_id, f.message) for f in findings if f.blocking]
    assert blocking == []


def test_at_least_thirty_distinct_mutations_cover_every_rule_that_has_a_target() -> None:
    assert len({m.id for m in MUTATIONS}) == len(MUTATIONS) >= 30
    assert {m.rule for m in MUTATIONS} <= {r.id for r in ALL_RULES}


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.id for m in MUTATIONS])
def test_mutation_is_caught_by_its_rule(
    mutation: Mutation, prod_plan: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    data, options = copy.deepcopy(prod_plan[0]), copy.deepcopy(prod_plan[1])
    before = {f.policy_id for f in reviewed(run(data, options).findings) if f.blocking}
    assert mutation.rule not in before
    mutation.apply(data, options)
    findings = reviewed(run(data, options).findings)
    caught = [
        f
        for f in findings
        if f.policy_id == mutation.rule and f.blocking == (f.enforcement == "mandatory")
    ]
    assert caught, f"{mutation.id} was not caught by {mutation.rule}"
    assert all(f.message for f in caught)
