"""Uptime Kuma monitors for every public endpoint, the backup and restore-drill heartbeats and
Supabase keep-alive.

The Uptime Kuma service itself runs on Railway (infra/railway/); this component only takes
its URL. Monitor names are part of the contract with dashboards/: Grafana reads Kuma's
`monitor_status{monitor_name=...}` series to alert on readiness, the two heartbeats and
endpoint outages, so names come from `monitor_names()`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pulumi

from common.monitor_names import (
    BACKUP_MONITOR,
    DRILL_MONITOR,
    KEEPALIVE_MONITOR,
    READINESS_KEYWORD,
    READINESS_MONITOR,
    endpoint_monitor_name,
    push_url,
)
from infra.uptime_kuma.provider import Monitor, Notification, StatusPage, split_spec
from infra.uptime_kuma.spec import MonitorSpec

BACKUP_PERIOD_SECONDS = 25 * 3600  # nightly job plus an hour of slack
DRILL_PERIOD_SECONDS = 8 * 24 * 3600  # weekly drill plus a day of slack
HEARTBEATS = ("backup-heartbeat", "restore-drill-heartbeat")
KEEPALIVE_PERIOD_SECONDS = 6 * 3600  # far inside Supabase's 7-day idle pause


@dataclass(frozen=True)
class UptimeMonitoringArgs:
    kuma_url: pulumi.Input[str]
    admin_username: str
    admin_password: pulumi.Input[str]
    api_host: str
    web_host: str
    backup_push_token: pulumi.Input[str]
    drill_push_token: pulumi.Input[str]
    supabase_dsn: pulumi.Input[str]
    notify_channel: Literal["discord", "slack"]
    notify_webhook_url: pulumi.Input[str]
    extra_hosts: Sequence[str] = field(default_factory=tuple)
    readiness_keyword: str = READINESS_KEYWORD
    interval_seconds: int = 60
    status_page_slug: str = "status"
    status_page_title: str = "Career Services CRM status"


def public_hosts(args: UptimeMonitoringArgs) -> list[str]:
    return list(dict.fromkeys([args.api_host, args.web_host, *args.extra_hosts]))


def monitor_specs(args: UptimeMonitoringArgs) -> list[MonitorSpec]:
    """Every monitor this stack owns; secrets are attached by the component, not here."""
    specs = [
        MonitorSpec(
            key="api-readyz",
            name=READINESS_MONITOR,
            kind="keyword",
            url=f"https://{args.api_host}/readyz",
            keyword=args.readiness_keyword,
            interval=args.interval_seconds,
            tls_expiry_alert=True,
            description="API readiness (database reachable); Grafana alerts on it",
        )
    ]
    specs += [
        MonitorSpec(
            key=f"https-{host}",
            name=endpoint_monitor_name(host),
            kind="http",
            url=f"https://{host}{'/healthz' if host == args.api_host else '/'}",
            interval=args.interval_seconds,
            tls_expiry_alert=True,
            description=f"Public endpoint {host} answers over HTTPS; TLS expiry alerts on",
        )
        for host in public_hosts(args)
    ]
    specs += [
        MonitorSpec(
            key="backup-heartbeat",
            name=BACKUP_MONITOR,
            kind="push",
            interval=BACKUP_PERIOD_SECONDS,
            max_retries=0,
            description="The nightly pg_dump-to-R2 job pushes here when it succeeds",
        ),
        MonitorSpec(
            key="restore-drill-heartbeat",
            name=DRILL_MONITOR,
            kind="push",
            interval=DRILL_PERIOD_SECONDS,
            max_retries=0,
            description="The weekly restore drill (backup.yml) pushes here when it verifies",
        ),
        MonitorSpec(
            key="supabase-keepalive",
            name=KEEPALIVE_MONITOR,
            kind="postgres",
            query="SELECT 1",
            interval=KEEPALIVE_PERIOD_SECONDS,
            description="Queries the free Supabase project so it is never paused as idle",
        ),
    ]
    return specs


class UptimeMonitoring(pulumi.ComponentResource):
    monitor_ids: pulumi.Output[dict[str, int]]

    def __init__(
        self, name: str, args: UptimeMonitoringArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("crm:observability:UptimeMonitoring", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        connection: dict[str, Any] = {
            "kuma_url": args.kuma_url,
            "admin_username": args.admin_username,
            "admin_password": pulumi.Output.secret(args.admin_password),
        }
        notification = Notification(
            f"{name}-notify",
            {
                **connection,
                "name": f"careers-crm {args.notify_channel}",
                "channel": args.notify_channel,
                "webhook_url": pulumi.Output.secret(args.notify_webhook_url),
            },
            child,
        )
        secrets: dict[str, dict[str, Any]] = {
            "backup-heartbeat": {"push_token": pulumi.Output.secret(args.backup_push_token)},
            "restore-drill-heartbeat": {"push_token": pulumi.Output.secret(args.drill_push_token)},
            "supabase-keepalive": {"connection_string": pulumi.Output.secret(args.supabase_dsn)},
        }
        self.monitors: dict[str, Monitor] = {}
        for spec in monitor_specs(args):
            public, _ = split_spec(spec)
            self.monitors[spec.key] = Monitor(
                f"{name}-{spec.key}",
                {
                    **connection,
                    "spec": notification.notification_id.apply(_with_notification(public)),
                    "secrets": {
                        "push_token": None,
                        "connection_string": None,
                        **secrets.get(spec.key, {}),
                    },
                },
                child,
            )
        on_page = [
            m.monitor_id
            for key, m in self.monitors.items()
            if key != "supabase-keepalive" and key not in HEARTBEATS
        ]
        StatusPage(
            f"{name}-status-page",
            {
                **connection,
                "slug": args.status_page_slug,
                "title": args.status_page_title,
                "monitor_ids": on_page,
            },
            child,
        )
        self.status_page_url = pulumi.Output.concat(
            pulumi.Output.from_input(args.kuma_url).apply(lambda u: u.rstrip("/")),
            "/status/",
            args.status_page_slug,
        )
        self.backup_push_url = _secret_push_url(args.kuma_url, args.backup_push_token)
        self.drill_push_url = _secret_push_url(args.kuma_url, args.drill_push_token)
        self.monitored_hosts = public_hosts(args)
        self.monitor_ids = pulumi.Output.all(**{k: m.monitor_id for k, m in self.monitors.items()})
        self.register_outputs(
            {
                "status_page_url": self.status_page_url,
                "backup_push_url": self.backup_push_url,
                "drill_push_url": self.drill_push_url,
                "monitored_hosts": self.monitored_hosts,
            }
        )


def _secret_push_url(kuma_url: pulumi.Input[str], token: pulumi.Input[str]) -> pulumi.Output[str]:
    url = pulumi.Output.all(kuma_url, token).apply(lambda v: push_url(str(v[0]), str(v[1])))
    return pulumi.Output.secret(url)


def _with_notification(public: dict[str, Any]) -> Callable[[int], dict[str, Any]]:
    def attach(notification_id: int) -> dict[str, Any]:
        return {**public, "notification_ids": [notification_id]}

    return attach
