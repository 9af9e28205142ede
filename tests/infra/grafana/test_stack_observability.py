"""The prod plan: every public hostname has an Uptime Kuma monitor and a Grafana alert rule."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from common.monitor_names import (
    BACKUP_MONITOR,
    DRILL_MONITOR,
    READINESS_KEYWORD,
    endpoint_monitor_name,
)
from dashboards.catalog import dashboards
from dashboards.render import render, stack_inputs
from infra.grafana.observability import _prometheus_uid
from infra.uptime_kuma.component import DRILL_PERIOD_SECONDS
from stacks.plan import plan

MONITOR = "pulumi-python:dynamic/uptimekuma:Monitor"
RULE_GROUP = "grafana:alerting/ruleGroup:RuleGroup"
DNS_RECORD = "cloudflare:index/dnsRecord:DnsRecord"

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.timeout(180)


def of_type(graph: dict[str, Any], typ: str) -> list[dict[str, Any]]:
    return [r for r in graph["resources"] if r["type"] == typ]


@pytest.fixture(scope="module")
def prod() -> dict[str, Any]:
    return plan("prod").as_json()


def public_hostnames(graph: dict[str, Any]) -> set[str]:
    return {r["inputs"]["name"] for r in of_type(graph, DNS_RECORD) if r["inputs"].get("proxied")}


def monitored(graph: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Hostname -> its HTTPS endpoint monitor spec."""
    out = {}
    for monitor in of_type(graph, MONITOR):
        spec = monitor["inputs"]["spec"]
        if spec["kind"] == "http":
            out[urlparse(spec["url"]).hostname or ""] = spec
    return out


def alerted(graph: dict[str, Any]) -> dict[str, dict[str, Any]]:
    [group] = of_type(graph, RULE_GROUP)
    return {
        r["labels"]["hostname"]: r for r in group["inputs"]["rules"] if "hostname" in r["labels"]
    }


def test_every_public_hostname_has_a_monitor_and_an_alert(prod: dict[str, Any]) -> None:
    hosts = public_hostnames(prod)
    assert hosts == {"api.careers.example.edu", "app.careers.example.edu"}
    monitors, alerts = monitored(prod), alerted(prod)
    for host in hosts:
        assert monitors[host]["tls_expiry_alert"] is True, host
        assert monitors[host]["name"] == endpoint_monitor_name(host)
        query = json.loads(alerts[host]["datas"][0]["model"])["expr"]
        assert f'monitor_name="{endpoint_monitor_name(host)}"' in query
        assert alerts[host]["annotations"]["runbook_url"].endswith(
            "docs/observability.md#endpoint-down-in-uptime-kuma"
        )


def test_readiness_backup_and_keepalive_monitors(prod: dict[str, Any]) -> None:
    specs = {m["inputs"]["spec"]["key"]: m["inputs"] for m in of_type(prod, MONITOR)}
    readyz = specs["api-readyz"]["spec"]
    assert (readyz["kind"], readyz["url"], readyz["keyword"]) == (
        "keyword",
        "https://api.careers.example.edu/readyz",
        READINESS_KEYWORD,
    )
    backup = specs["backup-heartbeat"]
    assert backup["spec"]["name"] == BACKUP_MONITOR
    assert backup["secrets"]["push_token"] == "[secret]"
    drill = specs["restore-drill-heartbeat"]
    assert (drill["spec"]["name"], drill["spec"]["kind"]) == (DRILL_MONITOR, "push")
    assert 7 * 24 * 3600 < drill["spec"]["interval"] == DRILL_PERIOD_SECONDS <= 9 * 24 * 3600
    assert drill["secrets"]["push_token"] == "[secret]"
    [group] = of_type(prod, RULE_GROUP)
    [rule] = [r for r in group["inputs"]["rules"] if r["name"] == "Restore drill heartbeat missed"]
    assert f'monitor_name="{DRILL_MONITOR}"' in json.loads(rule["datas"][0]["model"])["expr"]
    assert rule["noDataState"] == "Alerting"
    assert rule["annotations"]["runbook_url"].endswith("#restore-drill-heartbeat-missed")
    keepalive = specs["supabase-keepalive"]
    assert keepalive["spec"]["kind"] == "postgres"
    assert keepalive["spec"]["interval"] < 7 * 24 * 3600
    assert keepalive["secrets"]["connection_string"] == "[secret]"
    for inputs in specs.values():
        assert inputs["admin_password"] == "[secret]"
        assert inputs["spec"]["notification_ids"], "every monitor notifies someone"


def test_grafana_resources_and_secrets(prod: dict[str, Any]) -> None:
    planned = {
        json.loads(d["inputs"]["configJson"])["uid"]: json.loads(d["inputs"]["configJson"])
        for d in of_type(prod, "grafana:oss/dashboard:Dashboard")
    }
    assert planned == dashboards()
    scrapes = {
        s["inputs"]["name"]: s["inputs"]
        for s in of_type(
            prod, "grafana:connections/metricsEndpointScrapeJob:MetricsEndpointScrapeJob"
        )
    }
    api = scrapes["crm-api-prod"]
    assert api["url"] == "https://api.careers.example.edu/metrics"
    assert api["authenticationBearerToken"] == "[secret]"
    assert scrapes["uptime-kuma-prod"]["authenticationBasicPassword"] == "[secret]"
    assert all(s["staticLabels"] == {"environment": "prod"} for s in scrapes.values())
    [contact] = of_type(prod, "grafana:alerting/contactPoint:ContactPoint")
    assert contact["inputs"]["discords"] == [{"url": "[secret]"}]
    assert contact["inputs"]["emails"][0]["addresses"]
    [policy] = of_type(prod, "grafana:alerting/notificationPolicy:NotificationPolicy")
    assert policy["inputs"]["contactPoint"] == contact["inputs"]["name"]
    [group] = of_type(prod, RULE_GROUP)
    assert all(
        r["for"] is not None and r["annotations"]["runbook_url"] for r in group["inputs"]["rules"]
    )


def test_an_extra_public_host_gets_its_monitor_and_alert() -> None:
    graph = plan(
        "prod",
        overrides={"careers-crm:uptimeKuma.extraHosts": json.dumps(["files.careers.example.edu"])},
    ).as_json()
    assert "files.careers.example.edu" in monitored(graph)
    assert "files.careers.example.edu" in alerted(graph)


def test_make_dashboards_renders_the_alerts_the_plan_declares(
    prod: dict[str, Any], tmp_path: Path
) -> None:
    inputs = stack_inputs("prod", ROOT)
    assert set(inputs["hosts"]) == public_hostnames(prod)
    render(
        tmp_path,
        inputs["environment"],
        inputs["hosts"],
        inputs["datasource_uid"],
        inputs["runbook_base"],
    )
    rendered = json.loads((tmp_path / "alerts.json").read_text())["rules"]
    [group] = of_type(prod, RULE_GROUP)
    planned = group["inputs"]["rules"]
    assert [r["title"] for r in rendered] == [r["name"] for r in planned]
    assert [json.loads(r["datas"][0]["model"]) for r in planned] == [
        r["data"][0]["model"] for r in rendered
    ]


def test_a_data_source_that_is_not_prometheus_stops_with_the_key_to_fix() -> None:
    assert _prometheus_uid("grafanacloud-prom", "grafanacloud-prom", "prometheus") == (
        "grafanacloud-prom"
    )
    with pytest.raises(ValueError, match=r"grafana\.prometheusDatasourceUid"):
        _prometheus_uid("grafanacloud-logs", "grafanacloud-logs", "loki")
