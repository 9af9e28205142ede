"""The observability config section: prod loads; bad values are named with their fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stacks import config as stack_config
from tests.support.config import load_with

ROOT = Path(__file__).resolve().parents[3]


def test_prod_observability_config() -> None:
    cfg = load_with()
    assert cfg.alerting.emails == ("platform-oncall@careers.example.edu",)
    assert cfg.alerting.webhook_kind == "discord"
    assert cfg.grafana.url == "https://careerscrm.grafana.net"
    assert cfg.grafana.prometheus_datasource_uid == "grafanacloud-prom"
    assert cfg.uptime_kuma.admin_username == "admin"
    assert cfg.uptime_kuma.extra_hosts == ()


def test_every_observability_problem_is_reported_together() -> None:
    with pytest.raises(stack_config.ConfigError) as caught:
        load_with(
            **{
                "observability.alertEmails": json.dumps(["not-an-address"]),
                "observability.webhookKind": "pager",
                "grafana.url": "http://careerscrm.grafana.net",
                "grafana.stackId": "my-stack",
                "grafana.connectionsApiUrl": None,
                "uptimeKuma.statusPageSlug": "Status Page",
                "uptimeKuma.extraHosts": json.dumps(["Not A Host"]),
            }
        )
    found = {p.split(":")[1]: p for p in caught.value.problems}
    assert set(found) == {
        "observability.alertEmails",
        "observability.webhookKind",
        "grafana.url",
        "grafana.stackId",
        "grafana.connectionsApiUrl",
        "uptimeKuma.statusPageSlug",
        "uptimeKuma.extraHosts",
    }
    assert "https://" in found["grafana.url"]
    assert "numeric Grafana Cloud stack id" in found["grafana.stackId"]
    assert "discord, slack" in found["observability.webhookKind"]


def test_alert_emails_are_required() -> None:
    with pytest.raises(stack_config.ConfigError) as caught:
        load_with(**{"observability.alertEmails": None})
    assert any(
        p.startswith("careers-crm:observability.alertEmails: needs at least one")
        for p in caught.value.problems
    )
