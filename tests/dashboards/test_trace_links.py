"""Latency panels lead to traces: exemplars on, and a data link to the route's slow traces."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from dashboards.catalog import dashboards
from dashboards.panels import TRACES_DATASOURCE_UID


def latency_panel() -> dict[str, Any]:
    model = dashboards()["crm-api-overview"]
    (panel,) = [p for p in model["panels"] if p.get("title", "").startswith("Latency p50")]
    return panel


def test_latency_queries_ask_for_exemplars() -> None:
    panel = latency_panel()
    assert panel["targets"] and all(t.get("exemplar") is True for t in panel["targets"])


def test_latency_series_link_to_their_routes_slow_traces() -> None:
    (link,) = latency_panel()["fieldConfig"]["defaults"]["links"]
    assert link["url"].startswith("/explore?left=")
    left = json.loads(unquote(link["url"].removeprefix("/explore?left=")))
    assert left["datasource"] == TRACES_DATASOURCE_UID
    (query,) = left["queries"]
    assert query["queryType"] == "traceql"
    assert 'span.http.route = "${__field.labels.route}"' in query["query"]
    assert 'resource.service.name = "crm-api"' in query["query"]
    assert left["range"] == {"from": "${__from}", "to": "${__to}"}
    assert link.get("targetBlank") is True
