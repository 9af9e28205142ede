"""The offline plan as tests read it: the JSON graph, with lookups by type and name."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

from stacks.plan import plan


@dataclass(frozen=True)
class PlannedGraph:
    data: dict[str, Any]
    options: dict[str, Any]

    @property
    def resources(self) -> list[dict[str, Any]]:
        return list(self.data["resources"])

    def of_type(self, type_token: str) -> list[dict[str, Any]]:
        return [r for r in self.resources if r["type"] == type_token]

    def named(self, name: str) -> dict[str, Any]:
        found = [r for r in self.resources if r["name"] == name]
        assert len(found) == 1, f"expected one resource named {name!r}, found {len(found)}"
        return found[0]

    def by_urn(self, urn: str) -> dict[str, Any]:
        return next(r for r in self.resources if r["urn"] == urn)

    def text(self) -> str:
        return json.dumps(self.data, sort_keys=True)


def make_graph(stack: str = "prod", **overrides: str) -> PlannedGraph:
    graph = plan(stack, overrides={f"careers-crm:{k}": v for k, v in overrides.items()})
    return PlannedGraph(graph.as_json(), graph.options_json())


@functools.cache
def prod_graph() -> PlannedGraph:
    """The prod plan, computed once per test process."""
    return make_graph("prod")
