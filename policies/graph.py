"""Offline adapter: the planned graph file -> pulumi-policy argument objects.

`make plan` writes `build/<stack>/resources.json` from Pulumi's mock runtime. This module
rebuilds exactly the objects the policy analyzer builds from the engine's gRPC request, so
rule code cannot tell the offline run from `pulumi preview --policy-pack`.
"""

from __future__ import annotations

import json
from collections.abc import Container, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
)

SECRET_SENTINEL = "[secret]"
"""How the plan writer renders a secret input; the engine would show the policy the value."""


REDACTED_GRAPH_FLAG = "graphRedactsSecrets"
"""Set in every rule's config by the offline adapter: here secrets are visible as such."""


class GraphError(Exception):
    """The graph file cannot be read or does not have the documented shape."""


@dataclass(frozen=True)
class GraphResource:
    urn: str
    type: str
    name: str
    parent: str | None
    provider: str | None
    inputs: Mapping[str, Any]
    dependencies: tuple[str, ...]
    protect: bool
    source: tuple[str, int] | None = None  # the Python line that declared it, when known


@dataclass(frozen=True)
class Graph:
    project: str
    stack: str
    resources: tuple[GraphResource, ...]

    @cached_property
    def index(self) -> dict[str, GraphResource]:
        return {r.urn: r for r in self.resources}


OPTIONS_FILE = "resource-options.json"
"""Sibling of resources.json holding engine resource options (protect, ...) per URN."""


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GraphError(f"{path}: no such file; run `make plan STACK=<stack>` first") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise GraphError(f"{path}: cannot read it ({exc})") from None
    except json.JSONDecodeError as exc:
        raise GraphError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from None


def load_graph(path: Path) -> Graph:
    """Read and validate a graph file (and its resource options, when the plan wrote them),
    naming the exact field when it is malformed."""
    raw = _read_json(path)
    options_path = path.with_name(OPTIONS_FILE)
    options = _read_json(options_path) if options_path.exists() else {}
    if not isinstance(options, dict):
        raise GraphError(f"{options_path}: expected an object keyed by URN")
    return parse_graph(raw, str(path), options)


def parse_graph(raw: Any, source: str = "graph", options: Mapping[str, Any] | None = None) -> Graph:
    options = options or {}
    if not isinstance(raw, dict):
        raise GraphError(f"{source}: expected a JSON object with project, stack and resources")
    for key in ("project", "stack"):
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise GraphError(f"{source}: '{key}' must be a non-empty string")
    items = raw.get("resources")
    if not isinstance(items, list):
        raise GraphError(f"{source}: 'resources' must be a list")
    resources = []
    for index, item in enumerate(items):
        where = f"{source}: resources[{index}]"
        if not isinstance(item, dict):
            raise GraphError(f"{where} must be an object")
        for key in ("urn", "type", "name"):
            if not isinstance(item.get(key), str) or not item[key]:
                raise GraphError(f"{where}.{key} must be a non-empty string")
        inputs = item.get("inputs", {})
        if not isinstance(inputs, dict):
            raise GraphError(f"{where}.inputs must be an object")
        deps = item.get("dependencies", [])
        if not isinstance(deps, list) or not all(isinstance(d, str) for d in deps):
            raise GraphError(f"{where}.dependencies must be a list of URNs")
        resources.append(
            GraphResource(
                urn=item["urn"],
                type=item["type"],
                name=item["name"],
                parent=item.get("parent") or None,
                provider=item.get("provider") or None,
                inputs=inputs,
                dependencies=tuple(deps),
                protect=bool(
                    item.get("protect", (options.get(item["urn"]) or {}).get("protect", False))
                ),
                source=_source((options.get(item["urn"]) or {}).get("source")),
            )
        )
    graph = Graph(project=raw["project"], stack=raw["stack"], resources=tuple(resources))
    for urn, reference in unresolved_providers(graph):
        raise GraphError(
            f"{source}: {urn} names provider {reference!r}, which is not in the graph; "
            "a rule that reads provider settings would see none"
        )
    return graph


def _source(raw: Any) -> tuple[str, int] | None:
    if (
        isinstance(raw, dict)
        and isinstance(raw.get("file"), str)
        and isinstance(raw.get("line"), int)
    ):
        return raw["file"], raw["line"]
    return None


def provider_urn(reference: str | None, index: Container[str] | None = None) -> str | None:
    """The provider's URN from a reference: the plan writer records the bare URN, the engine
    `<urn>::<id>`. A URN has exactly three `::` separators, so only a fourth one is an id."""
    if not reference:
        return None
    if index is not None and reference in index:
        return reference
    if reference.startswith("urn:pulumi:") and reference.count("::") > 3:
        return reference.rsplit("::", 1)[0]
    return reference


def unresolved_providers(graph: Graph) -> list[tuple[str, str]]:
    """(resource URN, provider reference) for every reference naming no resource in the graph."""
    index = graph.index
    return [
        (r.urn, r.provider)
        for r in graph.resources
        if r.provider and provider_urn(r.provider, index) not in index
    ]


def _options(resource: GraphResource) -> PolicyResourceOptions:
    return PolicyResourceOptions(
        protect=resource.protect,
        ignore_changes=[],
        delete_before_replace=None,
        aliases=[],
        additional_secret_outputs=[],
        custom_timeouts=PolicyCustomTimeouts(0.0, 0.0, 0.0),
        parent=resource.parent,
    )


def _provider(
    graph_index: Mapping[str, GraphResource], resource: GraphResource
) -> PolicyProviderResource | None:
    urn = provider_urn(resource.provider, graph_index)
    if urn is None:
        return None
    found = graph_index.get(urn)
    if found is None:
        ptype = urn.rsplit("::", 2)[-2].rsplit("$", 1)[-1] if "::" in urn else "unknown"
        return PolicyProviderResource(ptype, {}, urn, urn.rsplit("::", 1)[-1])
    return PolicyProviderResource(found.type, found.inputs, found.urn, found.name)


def resource_args(
    graph: Graph, resource: GraphResource, config: Mapping[str, Any] | None = None
) -> ResourceValidationArgs:
    return ResourceValidationArgs(
        resource.type,
        resource.inputs,
        resource.urn,
        resource.name,
        _options(resource),
        _provider(graph.index, resource),
        config or {},
        {},
    )


def stack_args(graph: Graph, config: Mapping[str, Any] | None = None) -> StackValidationArgs:
    index = graph.index
    built: dict[str, PolicyResource] = {}
    for r in graph.resources:
        built[r.urn] = PolicyResource(
            r.type, r.inputs, r.urn, r.name, _options(r), _provider(index, r), None, [], {}
        )
    for r in graph.resources:
        policy_resource = built[r.urn]
        if r.parent and r.parent in built:
            policy_resource.parent = built[r.parent]
        policy_resource.dependencies.extend(built[d] for d in r.dependencies if d in built)
    return StackValidationArgs(list(built.values()), config or {}, {})
