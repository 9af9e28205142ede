"""All dashboards, as Grafana 11.6 dashboard JSON keyed by uid."""

from __future__ import annotations

import json
from typing import Any

from grafana_foundation_sdk.cog.encoder import JSONEncoder

from dashboards import api_overview, database, jobs, uptime

BUILDERS = (api_overview, database, jobs, uptime)


def dashboards() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for module in BUILDERS:
        model = json.loads(json.dumps(module.build().build(), cls=JSONEncoder))
        out[model["uid"]] = model
    return out


def expressions(model: dict[str, Any]) -> list[tuple[str, str]]:
    """(panel title, PromQL) for every query target of every panel."""
    out = []
    for panel in model.get("panels", []):
        for target in panel.get("targets") or []:
            if target.get("expr"):
                out.append((str(panel.get("title")), str(target["expr"])))
    return out


def variable_queries(model: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (v["name"], str(v["query"]))
        for v in model.get("templating", {}).get("list", [])
        if v.get("type") == "query"
    ]
