"""Data flows one way: config -> components -> graph -> policies -> reports.

A package may import only the layers below it; a name two layers share lives in `common/`.
`app/` is the product itself and depends on none of the platform's packages.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Each package and the packages it may import (besides itself and third-party code).
ALLOWED = {
    "common": set(),
    "app": set(),
    "dashboards": {"common"},
    "infra": {"common", "dashboards"},
    "stacks": {"common", "dashboards", "infra"},
    "policies": {"common", "infra", "stacks"},
}
# Command-line entry points sit on top of everything they drive.
ENTRY_POINTS = {
    "dashboards/render.py": {"stacks"},  # `make dashboards` reads the stack config
    # Edge rules are judged against the API's real routes: its OpenAPI document, built
    # in-process from app.main (issue 10). app imports nothing of ours, so no cycle.
    "policies/routes.py": {"app"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_the_layers_below_it(package: str) -> None:
    ours = set(ALLOWED)
    wrong = []
    for path in sorted((ROOT / package).rglob("*.py")):
        extra = ENTRY_POINTS.get(str(path.relative_to(ROOT)), set())
        bad = (_imports(path) & ours) - ALLOWED[package] - {package} - extra
        wrong += [f"{path.relative_to(ROOT)} imports {name}" for name in sorted(bad)]
    assert not wrong, "\n".join(wrong)
