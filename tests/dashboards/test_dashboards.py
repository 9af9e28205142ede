"""Built dashboards and alert rules: schema, layout, units, uids, PromQL syntax, runbooks."""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from grafana_foundation_sdk.models.dashboard import Dashboard

from app import metrics as app_metrics
from dashboards import queries as q
from dashboards.alerts import RUNBOOK_DOC, alert_rules, budget_alert_rules, rule_group_json
from dashboards.catalog import dashboards, expressions, variable_queries
from dashboards.render import render

ROOT = Path(__file__).resolve().parents[2]
GRAFANA_11_6_SCHEMA_VERSION = 41
HOSTS = ["api.example.test", "app.example.test"]
TEMPLATE_VALUES = {"$__rate_interval": "5m", "$env": "test", "$route": ".*"}


def substitute(expr: str) -> str:
    """Grafana variables -> concrete values, so Prometheus can parse the expression."""
    for name, value in sorted(TEMPLATE_VALUES.items(), key=lambda kv: -len(kv[0])):
        expr = expr.replace(name, value)
    assert "$" not in expr, f"unknown Grafana variable left in {expr!r}"
    return expr


def round_trips(model: dict[str, Any]) -> bool:
    """True when every field is one the pinned 11.6 schema models (unknown keys are dropped)."""
    back = Dashboard.from_json(copy.deepcopy(model)).to_json()
    return json.loads(json.dumps(back, default=lambda o: o.to_json())) == model


@pytest.fixture(scope="module")
def models() -> dict[str, dict[str, Any]]:
    return dashboards()


def test_expected_dashboards_with_stable_uids(models: dict[str, dict[str, Any]]) -> None:
    assert sorted(models) == ["crm-api-overview", "crm-database", "crm-jobs", "crm-uptime"]
    assert models == dashboards()  # deterministic: same JSON on every build


@pytest.mark.parametrize("uid", ["crm-api-overview", "crm-database", "crm-jobs", "crm-uptime"])
def test_valid_for_the_pinned_schema(models: dict[str, dict[str, Any]], uid: str) -> None:
    model = models[uid]
    assert model["schemaVersion"] == GRAFANA_11_6_SCHEMA_VERSION
    assert round_trips(model)
    broken = copy.deepcopy(model)
    broken["panels"][0]["gridpos"] = broken["panels"][0].pop("gridPos")
    assert not round_trips(broken), "the schema check must notice a misspelled field"


def panel_boxes(model: dict[str, Any]) -> list[tuple[int, int, int, int, int]]:
    return [
        (p["id"], p["gridPos"]["x"], p["gridPos"]["y"], p["gridPos"]["w"], p["gridPos"]["h"])
        for p in model["panels"]
    ]


@pytest.mark.parametrize("uid", ["crm-api-overview", "crm-database", "crm-jobs", "crm-uptime"])
def test_ids_unique_and_grid_without_overlap(models: dict[str, dict[str, Any]], uid: str) -> None:
    boxes = panel_boxes(models[uid])
    ids = [b[0] for b in boxes]
    assert len(ids) == len(set(ids))
    cells: dict[tuple[int, int], int] = {}
    for panel_id, x, y, w, h in boxes:
        assert x >= 0 and w > 0 and h > 0 and x + w <= 24, f"panel {panel_id} leaves the grid"
        for cx in range(x, x + w):
            for cy in range(y, y + h):
                assert (cx, cy) not in cells, f"panels {cells[(cx, cy)]} and {panel_id} overlap"
                cells[(cx, cy)] = panel_id


def test_units_set_and_variables_used(models: dict[str, dict[str, Any]]) -> None:
    for uid, model in models.items():
        for panel in model["panels"]:
            if panel["type"] in ("row", "text"):
                continue
            assert panel["fieldConfig"]["defaults"].get("unit"), f"{uid}: {panel['title']}"
            assert panel["targets"], f"{uid}: {panel['title']} has no query"
        names = {v["name"] for v in model["templating"]["list"]}
        assert "datasource" in names
        text = json.dumps(model["panels"])
        assert all(f"${n}" in text for n in names - {"datasource"}) or not names


def test_latency_panel_draws_the_200ms_objective(models: dict[str, dict[str, Any]]) -> None:
    [panel] = [
        p for p in models["crm-api-overview"]["panels"] if p["title"].startswith("Latency p50")
    ]
    defaults = panel["fieldConfig"]["defaults"]
    assert {"value": 0.2, "color": "red"} in defaults["thresholds"]["steps"]
    assert defaults["custom"]["thresholdsStyle"]["mode"] in ("line", "dashed")
    assert [t["refId"] for t in panel["targets"]] == ["A", "B", "C"]


def test_alert_rules_cover_the_issue() -> None:
    rules = alert_rules("prod", HOSTS)
    titles = [r.title for r in rules]
    assert titles[:6] == [
        "API p95 latency over 200 ms",
        "API 5xx ratio over 1%",
        "API readiness failing",
        "Reminders failing",
        "Nightly backup heartbeat missed",
        "Restore drill heartbeat missed",
    ]
    hosts = [r for r in rules if "hostname" in r.labels]
    assert [r.labels["hostname"] for r in hosts] == HOSTS
    assert rules[6 + len(HOSTS) :] == budget_alert_rules("prod")  # tests/budget covers them
    assert len({r.uid for r in rules}) == len(rules)
    p95 = rules[0]
    assert (p95.op, p95.threshold, p95.for_) == ("gt", 0.2, "5m")
    assert 'environment="prod"' in p95.expr


def test_slow_thresholds_are_bucket_boundaries_the_app_exports() -> None:
    """`count - bucket{le=X}` counts slow events exactly only when X is a real `le` label."""
    assert float(q.SLOW_STATEMENT_SECONDS) == app_metrics.SLOW_STATEMENT_SECONDS
    assert float(q.SLOW_STATEMENT_SECONDS) in app_metrics.STATEMENT_BUCKETS
    assert float(q.SLOW_REQUEST_SECONDS) in app_metrics.LATENCY_BUCKETS


def test_database_and_jobs_dashboards_read_the_real_metrics(
    models: dict[str, dict[str, Any]],
) -> None:
    """No stand-ins: connection errors, slow statements and the oldest due reminder."""
    database = json.dumps(models["crm-database"]["panels"])
    for metric in (q.CONNECTION_ERRORS, f"{q.STATEMENT_DURATION}_bucket", q.POOL_WAITING):
        assert metric in database, metric
    assert 'status=\\"503\\"' not in database
    assert q.OLDEST_DUE_AGE in json.dumps(models["crm-jobs"]["panels"])


def github_anchors(markdown: str) -> set[str]:
    anchors = set()
    for line in markdown.splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            anchors.add(re.sub(r"[^a-z0-9 _-]", "", title).replace(" ", "-"))
    return anchors


def test_every_rule_links_an_existing_runbook_section() -> None:
    anchors = github_anchors((ROOT / RUNBOOK_DOC).read_text())
    group = rule_group_json(
        alert_rules("prod", HOSTS),
        "careers-crm",
        "grafanacloud-prom",
        "https://github.com/o/r/blob/main",
    )
    for rule in group["rules"]:
        url = rule["annotations"]["runbook_url"]
        assert url.startswith(f"https://github.com/o/r/blob/main/{RUNBOOK_DOC}#")
        assert url.split("#", 1)[1] in anchors, f"{rule['title']}: no section {url}"
        assert rule["condition"] == "B" and rule["for"]


def all_expressions() -> list[tuple[str, str]]:
    out = []
    for uid, model in dashboards().items():
        out += [(f"{uid}: {title}", expr) for title, expr in expressions(model)]
        out += [
            (f"{uid}: variable {name}", query)
            for name, query in variable_queries(model)
            if not query.startswith("label_values(")
        ]
    out += [(f"alert: {r.title}", r.expr) for r in alert_rules("test", HOSTS)]
    return out


def test_every_promql_expression_parses(tmp_path: Path) -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.fail("promtool missing: run .ci/ensure-system-packages (Debian prometheus)")
    exprs = all_expressions()
    rules = {
        "groups": [
            {
                "name": "parse",
                "rules": [
                    {"record": f"check:{i}", "expr": substitute(expr)}
                    for i, (_, expr) in enumerate(exprs)
                ],
            }
        ]
    }
    path = tmp_path / "rules.yml"
    path.write_text(yaml.safe_dump(rules))
    result = subprocess.run([promtool, "check", "rules", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(exprs)} rules found" in result.stdout
    path.write_text(
        yaml.safe_dump(
            {
                "groups": [
                    {
                        "name": "bad",
                        "rules": [{"record": "check:bad", "expr": "sum by (route (rate(x[5m]))"}],
                    }
                ]
            }
        )
    )
    bad = subprocess.run([promtool, "check", "rules", str(path)], capture_output=True)
    assert bad.returncode != 0, "promtool must reject a broken expression"


def test_render_writes_every_file(tmp_path: Path) -> None:
    written = render(tmp_path, "prod", HOSTS, "grafanacloud-prom", "https://example.test")
    names = sorted(p.name for p in written)
    assert names == [
        "alerts.json",
        "crm-api-overview.json",
        "crm-database.json",
        "crm-jobs.json",
        "crm-uptime.json",
        "index.json",
    ]
    assert json.loads((tmp_path / "crm-jobs.json").read_text()) == dashboards()["crm-jobs"]
    rules = json.loads((tmp_path / "alerts.json").read_text())["rules"]
    assert len(rules) == 6 + len(HOSTS) + len(budget_alert_rules("prod"))
