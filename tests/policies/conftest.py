"""Fixtures for the policy tests: the real prod plan, computed once per worker."""

from __future__ import annotations

import copy
import subprocess
from pathlib import Path
from typing import Any

import pytest

from policies.evaluate import Evaluation, evaluate
from policies.exceptions import apply_exceptions, load_exceptions
from policies.findings import Finding
from policies.graph import parse_graph
from policies.scanners.checkov import CHECKOV, run_checkov
from policies.scanners.common import REPO
from stacks.plan import plan
from tests.policies.fixtures import complete
from tests.policies.scanfixtures import build_tree


@pytest.fixture(scope="session")
def prod_plan() -> tuple[dict[str, Any], dict[str, Any]]:
    """The real prod plan (the program under Pulumi's mock runtime), once per worker."""
    graph = plan("prod")
    return complete(graph.as_json()), graph.options_json()


@pytest.fixture
def prod_data(prod_plan: tuple[dict[str, Any], dict[str, Any]]) -> dict[str, Any]:
    """A private deep copy of the prod graph a test may mutate."""
    return copy.deepcopy(prod_plan[0])


def reviewed(findings: list[Finding]) -> list[Finding]:
    """Findings with the repository's reviewed exceptions applied, as `make audit` does."""
    return apply_exceptions(findings, load_exceptions())


def run(
    data: dict[str, Any],
    options: dict[str, Any] | None = None,
    config: dict[str, dict[str, Any]] | None = None,
) -> Evaluation:
    return evaluate(parse_graph(data, "test graph", options or {}), config=config)


@pytest.fixture(scope="session")
def scanned_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tree(tmp_path_factory.mktemp("scanned-repo"))


@pytest.fixture(scope="session")
def checkov_findings(scanned_tree: Path) -> list[Finding]:
    """checkov once per session (it takes seconds to start); its venv made if missing."""
    if not CHECKOV.exists():
        subprocess.run(["make", "-s", "checkov-env"], cwd=REPO, check=True, timeout=600)
    return run_checkov([scanned_tree], root=scanned_tree)
