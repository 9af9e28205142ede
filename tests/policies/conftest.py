"""Fixtures for the policy tests: the real prod plan, computed once per worker."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from policies.evaluate import Evaluation, evaluate
from policies.graph import parse_graph
from stacks.plan import plan
from tests.policies.fixtures import complete


@pytest.fixture(scope="session")
def prod_plan() -> tuple[dict[str, Any], dict[str, Any]]:
    """The real prod plan (the program under Pulumi's mock runtime), once per worker."""
    graph = plan("prod")
    return complete(graph.as_json()), graph.options_json()


@pytest.fixture
def prod_data(prod_plan: tuple[dict[str, Any], dict[str, Any]]) -> dict[str, Any]:
    """A private deep copy of the prod graph a test may mutate."""
    return copy.deepcopy(prod_plan[0])


def run(
    data: dict[str, Any],
    options: dict[str, Any] | None = None,
    config: dict[str, dict[str, Any]] | None = None,
) -> Evaluation:
    return evaluate(parse_graph(data, "test graph", options or {}), config=config)
