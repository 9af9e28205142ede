"""Observability: who is alerted, Grafana Cloud, and Uptime Kuma."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pulumi

from stacks.config.reader import (
    Reader,
    domain_check,
    label_check,
)

_HTTPS_ORIGIN_RE = re.compile(r"^https://[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?/?$")

_EMAIL_RE = re.compile(r"^[^@\s]+@[a-z0-9.-]+\.[a-z]{2,63}$")

_GRAFANA_STACK_ID_RE = re.compile(r"^[0-9]{1,12}$")

_WEBHOOK_KINDS = ("discord", "slack")


@dataclass(frozen=True)
class AlertingConfig:
    """Who is told when something breaks: Grafana alerts and Uptime Kuma notifications."""

    emails: tuple[str, ...]
    webhook_kind: str  # discord | slack
    webhook_url: pulumi.Output[str] | None
    runbook_base_url: str  # docs/observability.md is linked from every alert


@dataclass(frozen=True)
class GrafanaConfig:
    url: str
    auth: pulumi.Output[str] | None  # service account token
    stack_id: str
    connections_api_url: str
    connections_api_token: pulumi.Output[str] | None  # access policy token (scrape jobs)
    prometheus_datasource_uid: str
    metrics_token: pulumi.Output[str] | None  # the API's METRICS_TOKEN (bearer for /metrics)


@dataclass(frozen=True)
class UptimeKumaConfig:
    admin_username: str
    admin_password: pulumi.Output[str] | None
    backup_push_token: pulumi.Output[str] | None
    drill_push_token: pulumi.Output[str] | None  # the weekly restore drill's heartbeat
    status_page_slug: str
    extra_hosts: tuple[str, ...]  # public hostnames beyond the API and web hosts


def _https_origin_check(value: str) -> str | None:
    return (
        None
        if _HTTPS_ORIGIN_RE.match(value)
        else (f"must be an https:// origin such as https://example.grafana.net; got {value!r}")
    )


def read_alerting(reader: Reader) -> AlertingConfig:
    emails = reader.string_list("observability.alertEmails", [])
    if not emails:
        reader.problem(
            "observability.alertEmails", "needs at least one address that receives alerts"
        )
    for email in emails:
        if not _EMAIL_RE.match(email):
            reader.problem("observability.alertEmails", f"{email!r} is not an email address")
    return AlertingConfig(
        emails=emails,
        webhook_kind=reader.choice("observability.webhookKind", "discord", _WEBHOOK_KINDS),
        webhook_url=reader.secret("observability.webhookUrl"),
        runbook_base_url=reader.string(
            "observability.runbookBaseUrl",
            "https://github.com/careers-crm/careers-crm-platform/blob/main",
            check=lambda v: None if v.startswith("https://") else "must be an https:// URL",
        ),
    )


def read_grafana(reader: Reader) -> GrafanaConfig:
    def stack_id_check(value: str) -> str | None:
        return (
            None
            if _GRAFANA_STACK_ID_RE.match(value)
            else (
                "must be the numeric Grafana Cloud stack id (grafana.com > My Account > "
                f"your stack > Details); got {value!r}"
            )
        )

    return GrafanaConfig(
        url=reader.string("grafana.url", check=_https_origin_check),
        auth=reader.secret("grafana.auth"),
        stack_id=reader.string("grafana.stackId", check=stack_id_check),
        connections_api_url=reader.string("grafana.connectionsApiUrl", check=_https_origin_check),
        connections_api_token=reader.secret("grafana.connectionsApiToken"),
        prometheus_datasource_uid=reader.string(
            "grafana.prometheusDatasourceUid", "grafanacloud-prom"
        ),
        metrics_token=reader.secret("grafana.metricsToken"),
    )


def read_uptime_kuma(reader: Reader) -> UptimeKumaConfig:
    extra = reader.string_list("uptimeKuma.extraHosts", [])
    for host in extra:
        if (why := domain_check(host)) is not None:
            reader.problem("uptimeKuma.extraHosts", why)
    return UptimeKumaConfig(
        admin_username=reader.string("uptimeKuma.adminUsername", "admin"),
        admin_password=reader.secret("uptimeKuma.adminPassword"),
        backup_push_token=reader.secret("uptimeKuma.backupPushToken"),
        drill_push_token=reader.secret("uptimeKuma.drillPushToken"),
        status_page_slug=reader.string("uptimeKuma.statusPageSlug", "status", check=label_check),
        extra_hosts=extra,
    )
