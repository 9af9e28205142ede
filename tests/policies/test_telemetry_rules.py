"""The telemetry rules (CRM-SENTRY-*, CRM-OBS-004) on the prod plan and on one mutation each:
each rule passes the plan and catches the mistake it exists for."""

from __future__ import annotations

from typing import Any

from tests.policies.conftest import run
from tests.policies.graphs import named, of_type

RULE_IDS = ("CRM-SENTRY-001", "CRM-SENTRY-002", "CRM-OBS-004")


def _ids(data: dict[str, Any]) -> set[str]:
    return {f.policy_id for f in run(data).findings}


def test_prod_plan_passes_and_each_rule_inspected_its_resources(
    prod_plan: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    evaluation = run(*prod_plan)
    assert not {f.policy_id for f in evaluation.findings} & set(RULE_IDS)
    assert evaluation.inspected["CRM-SENTRY-001"] == 1  # the one client key
    assert evaluation.inspected["CRM-OBS-004"] == 1  # the telemetry access policy


def test_unlimited_or_generous_sentry_key_is_caught(prod_data: dict[str, Any]) -> None:
    key = named(prod_data, "sentry-key")
    key["inputs"]["rateLimitCount"] = 100_000
    assert "CRM-SENTRY-001" in _ids(prod_data)
    del key["inputs"]["rateLimitCount"]
    assert "CRM-SENTRY-001" in _ids(prod_data)


def test_sentry_alert_to_another_channel_kind_is_caught(prod_data: dict[str, Any]) -> None:
    alert = named(prod_data, "sentry-new-issue")
    alert["inputs"]["actions"] = [
        {
            "id": "sentry.integrations.slack.notify_action.SlackNotifyServiceAction",
            "workspace": "1",
            "channel": "#elsewhere",
        }
    ]  # Grafana's contact point is Discord in prod
    assert "CRM-SENTRY-002" in _ids(prod_data)


def test_metric_alert_trigger_without_chat_action_is_caught(prod_data: dict[str, Any]) -> None:
    alert = named(prod_data, "sentry-error-burst")
    alert["inputs"]["triggers"][0]["actions"] = [
        {"type": "email", "targetType": "team", "targetIdentifier": "1"}
    ]
    assert "CRM-SENTRY-002" in _ids(prod_data)


def test_telemetry_token_with_read_or_admin_scope_or_org_realm_is_caught(
    prod_data: dict[str, Any],
) -> None:
    (policy,) = of_type(prod_data, "grafana:cloud/accessPolicy:AccessPolicy")
    policy["inputs"]["scopes"] = [*policy["inputs"]["scopes"], "traces:read"]
    assert "CRM-OBS-004" in _ids(prod_data)
    policy["inputs"]["scopes"] = ["traces:write"]
    policy["inputs"]["realms"] = [{"type": "org", "identifier": "careers-crm"}]
    assert "CRM-OBS-004" in _ids(prod_data)
