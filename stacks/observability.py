"""Observability part of the prod composition: Grafana Cloud and the Uptime Kuma monitors.

Every public hostname (API, web, `uptimeKuma.extraHosts`) gets an Uptime Kuma monitor and a
Grafana alert rule on that monitor's status, so the policy pack can check the pairing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pulumi

from infra.grafana.observability import GrafanaArgs, Observability
from infra.uptime_kuma.component import UptimeMonitoring, UptimeMonitoringArgs
from stacks.config import ConfigError, StackConfig


@dataclass(frozen=True)
class Observed:
    grafana: Observability
    uptime: UptimeMonitoring
    public_hosts: tuple[str, ...]


def _secret(value: pulumi.Output[str] | None, key: str) -> pulumi.Output[str]:
    if value is None:  # load() already reported it; this keeps the types honest
        raise ConfigError([f"careers-crm:{key}: secret is required"])
    return value


def build(
    cfg: StackConfig, kuma_url: pulumi.Input[str], supabase_dsn: pulumi.Output[str] | None
) -> Observed:
    """`supabase_dsn` is the database URL the keep-alive monitor queries (a secret)."""
    alerting, gcfg, kcfg = cfg.alerting, cfg.grafana, cfg.uptime_kuma
    kind: Literal["discord", "slack"] = "slack" if alerting.webhook_kind == "slack" else "discord"
    webhook = _secret(alerting.webhook_url, "observability.webhookUrl")
    kuma_password = _secret(kcfg.admin_password, "uptimeKuma.adminPassword")
    uptime = UptimeMonitoring(
        "uptime",
        UptimeMonitoringArgs(
            kuma_url=kuma_url,
            admin_username=kcfg.admin_username,
            admin_password=kuma_password,
            api_host=cfg.dns.api_hostname,
            web_host=cfg.dns.web_hostname,
            extra_hosts=kcfg.extra_hosts,
            backup_push_token=_secret(kcfg.backup_push_token, "uptimeKuma.backupPushToken"),
            drill_push_token=_secret(kcfg.drill_push_token, "uptimeKuma.drillPushToken"),
            supabase_dsn=_secret(supabase_dsn, "supabase.databaseUrl"),
            notify_channel=kind,
            notify_webhook_url=webhook,
            status_page_slug=kcfg.status_page_slug,
        ),
    )
    hosts = tuple(uptime.monitored_hosts)
    grafana = Observability(
        "grafana",
        GrafanaArgs(
            environment=cfg.stack,
            url=gcfg.url,
            auth=_secret(gcfg.auth, "grafana.auth"),
            stack_id=gcfg.stack_id,
            connections_api_url=gcfg.connections_api_url,
            connections_api_token=_secret(
                gcfg.connections_api_token, "grafana.connectionsApiToken"
            ),
            prometheus_datasource_uid=gcfg.prometheus_datasource_uid,
            alert_emails=alerting.emails,
            webhook_kind=kind,
            webhook_url=webhook,
            api_hostname=cfg.dns.api_hostname,
            metrics_token=_secret(gcfg.metrics_token, "grafana.metricsToken"),
            kuma_url=kuma_url,
            kuma_username=kcfg.admin_username,
            kuma_password=kuma_password,
            public_hosts=hosts,
            runbook_base=alerting.runbook_base_url,
        ),
    )
    return Observed(grafana=grafana, uptime=uptime, public_hosts=hosts)


def export(observed: Observed) -> None:
    pulumi.export("statusPageUrl", observed.uptime.status_page_url)
    pulumi.export("backupPushUrl", observed.uptime.backup_push_url)
    pulumi.export("drillPushUrl", observed.uptime.drill_push_url)
    pulumi.export("monitoredHosts", list(observed.public_hosts))
    pulumi.export("dashboardUrls", observed.grafana.dashboard_urls)
