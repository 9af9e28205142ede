"""Observability: who is alerted, Grafana Cloud, and Uptime Kuma."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pulumi

from stacks.config.reader import (
    Reader,
    domain_check,
    endpoint_check,
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
    url: str | None  # an instance outside the stack's Railway project (a local stack's)


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
        url=reader.string("uptimeKuma.url", "", check=lambda v: endpoint_check(v) if v else None)
        or None,
    )


_GRAFANA_REGION_RE = re.compile(r"^prod-[a-z]+-[a-z]+-[0-9]+$")
_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")
_BETTERSTACK_HOST_RE = re.compile(
    r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$"
)


@dataclass(frozen=True)
class TelemetryConfig:
    """Where the API and the worker send traces, metrics and logs (docs/observability.md)."""

    traces_sample_ratio: float  # parent-based ratio (TRACES_SAMPLE_RATIO on Railway)
    grafana_region: str  # Grafana Cloud region slug: the OTLP gateway and the access policy
    otlp_instance_id: str  # the OpenTelemetry card's Instance ID (Basic auth user)
    cloud_access_policy_token: pulumi.Output[str] | None  # manages access policies only
    betterstack_ingesting_host: str
    betterstack_source_token: pulumi.Output[str] | None


@dataclass(frozen=True)
class SentryConfig:
    organization: str
    team: str
    project: str
    auth_token: pulumi.Output[str] | None  # the provider's token
    alert_integration_id: str  # Sentry's Slack workspace / Discord server integration id
    alert_channel: str  # Slack "#channel" or Discord channel id (Grafana's webhook channel)
    key_rate_limit_per_hour: int


def read_telemetry(reader: Reader) -> TelemetryConfig:
    raw = reader.raw("telemetry.tracesSampleRatio") or "0.2"
    try:
        ratio = float(raw)
        if not 0.0 <= ratio <= 1.0:
            raise ValueError
    except ValueError:
        reader.problem("telemetry.tracesSampleRatio", f"must be a number from 0 to 1; got {raw!r}")
        ratio = 0.2
    return TelemetryConfig(
        traces_sample_ratio=ratio,
        grafana_region=reader.string(
            "grafana.cloudRegion",
            check=lambda v: (
                None
                if _GRAFANA_REGION_RE.match(v)
                else (
                    "must be the stack's Grafana Cloud region slug such as prod-us-east-0 "
                    f"(the OpenTelemetry card's endpoint shows it); got {v!r}"
                )
            ),
        ),
        otlp_instance_id=reader.string(
            "grafana.otlpInstanceId",
            check=lambda v: (
                None
                if _GRAFANA_STACK_ID_RE.match(v)
                else f"must be the numeric Instance ID on the stack's OpenTelemetry card; got {v!r}"
            ),
        ),
        cloud_access_policy_token=reader.secret("grafana.cloudAccessPolicyToken"),
        betterstack_ingesting_host=reader.string(
            "betterstack.ingestingHost",
            check=lambda v: (
                None
                if _BETTERSTACK_HOST_RE.match(v)
                else (
                    "must be the Better Stack source's ingesting host name, without https:// "
                    f"(e.g. s1234567.eu-nbg-2.betterstackdata.com); got {v!r}"
                )
            ),
        ),
        betterstack_source_token=reader.secret("betterstack.sourceToken"),
    )


def read_sentry(reader: Reader, webhook_kind: str) -> SentryConfig:
    def slug(value: str) -> str | None:
        return None if _SLUG_RE.match(value) else f"must be a Sentry slug; got {value!r}"

    def channel(value: str) -> str | None:
        if webhook_kind == "slack" and not value.startswith("#"):
            return f"must be the Slack channel Grafana posts to, like #crm-alerts; got {value!r}"
        if webhook_kind == "discord" and not value.isdigit():
            return f"must be the numeric id of the Discord channel Grafana posts to; got {value!r}"
        return None

    return SentryConfig(
        organization=reader.string("sentry.organization", check=slug),
        team=reader.string("sentry.team", check=slug),
        project=reader.string("sentry.project", "careers-crm", check=slug),
        auth_token=reader.secret("sentry.authToken"),
        alert_integration_id=reader.string(
            "sentry.alertIntegrationId",
            check=lambda v: (
                None
                if v.isdigit()
                else (
                    "must be the numeric id of Sentry's "
                    f"{webhook_kind} integration (Settings > Integrations); got {v!r}"
                )
            ),
        ),
        alert_channel=reader.string("sentry.alertChannel", check=channel),
        key_rate_limit_per_hour=reader.integer(
            "sentry.keyRateLimitPerHour", 600, minimum=1, maximum=100_000
        ),
    )
