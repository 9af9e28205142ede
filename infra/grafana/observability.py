"""Grafana Cloud for the CRM: folder, dashboards, alert rules, who gets paged, and the scrapes.

Dashboards are built in-process from dashboards/ (the same JSON `make dashboards` writes), so
a plan always carries the dashboards of the checked-out commit. Metrics reach Grafana Cloud's
Prometheus through Metrics Endpoint scrape jobs: no agent to host on the free tier.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import pulumi
import pulumiverse_grafana as grafana

from dashboards.alerts import EVALUATE_EVERY_SECONDS, QUERY_WINDOW_SECONDS, AlertRule, alert_rules
from dashboards.alerts import model_json as alert_model_json
from dashboards.catalog import dashboards

FOLDER_UID = "careers-crm"
RULE_GROUP = "careers-crm"
SCRAPE_INTERVAL_SECONDS = 60


@dataclass(frozen=True)
class GrafanaArgs:
    environment: str
    url: str
    auth: pulumi.Input[str]
    stack_id: str
    connections_api_url: str
    connections_api_token: pulumi.Input[str]
    prometheus_datasource_uid: str
    alert_emails: Sequence[str]
    webhook_kind: Literal["discord", "slack"]
    webhook_url: pulumi.Input[str]
    api_hostname: str
    metrics_token: pulumi.Input[str]
    kuma_url: pulumi.Input[str]
    kuma_username: str
    kuma_password: pulumi.Input[str]
    public_hosts: Sequence[str]
    runbook_base: str


class Observability(pulumi.ComponentResource):
    """Everything the CRM declares in Grafana Cloud, through its own explicit provider."""

    def __init__(
        self, name: str, args: GrafanaArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("crm:observability:Grafana", name, None, opts)
        self.provider = grafana.Provider(
            f"{name}-provider",
            url=args.url,
            auth=pulumi.Output.secret(args.auth),
            connections_api_url=args.connections_api_url,
            connections_api_access_token=pulumi.Output.secret(args.connections_api_token),
            opts=pulumi.ResourceOptions(parent=self),
        )
        child = pulumi.ResourceOptions(parent=self, provider=self.provider)

        self.folder = grafana.oss.Folder(
            f"{name}-folder", uid=FOLDER_UID, title="Careers CRM", opts=child
        )
        self.dashboards = {
            uid: grafana.oss.Dashboard(
                f"{name}-{uid}",
                folder=self.folder.uid,
                config_json=json.dumps(model, sort_keys=True),
                overwrite=True,
                message="pulumi: dashboards/ as code",
                opts=child,
            )
            for uid, model in sorted(dashboards().items())
        }

        contact = f"careers-crm {args.webhook_kind} + email"
        webhook = pulumi.Output.secret(args.webhook_url)
        self.contact_point = grafana.alerting.ContactPoint(
            f"{name}-contact-point",
            name=contact,
            emails=[
                grafana.alerting.ContactPointEmailArgs(
                    addresses=list(args.alert_emails), single_email=True
                )
            ],
            discords=(
                [grafana.alerting.ContactPointDiscordArgs(url=webhook)]
                if args.webhook_kind == "discord"
                else None
            ),
            slacks=(
                [grafana.alerting.ContactPointSlackArgs(url=webhook)]
                if args.webhook_kind == "slack"
                else None
            ),
            opts=pulumi.ResourceOptions.merge(
                child, pulumi.ResourceOptions(additional_secret_outputs=["discords", "slacks"])
            ),
        )
        self.notification_policy = grafana.alerting.NotificationPolicy(
            f"{name}-notification-policy",
            contact_point=self.contact_point.name,
            group_bies=["alertname", "hostname"],
            group_wait="30s",
            group_interval="5m",
            repeat_interval="4h",
            policies=[
                grafana.alerting.NotificationPolicyPolicyArgs(
                    contact_point=self.contact_point.name,
                    matchers=[
                        grafana.alerting.NotificationPolicyPolicyMatcherArgs(
                            label="team", match="=", value="platform"
                        )
                    ],
                    group_bies=["alertname", "hostname"],
                    repeat_interval="1h",
                )
            ],
            opts=child,
        )

        # Resolve the hosted Prometheus by uid: a wrong uid or type fails the preview, not
        # the first evaluation of every rule.
        source = grafana.oss.get_data_source_output(
            uid=args.prometheus_datasource_uid,
            opts=pulumi.InvokeOutputOptions(parent=self, provider=self.provider),
        )
        self.datasource_uid: pulumi.Output[str] = pulumi.Output.all(source.uid, source.type).apply(
            lambda found: _prometheus_uid(args.prometheus_datasource_uid, found[0], found[1])
        )
        self.rules = alert_rules(args.environment, args.public_hosts)
        self.rule_group = grafana.alerting.RuleGroup(
            f"{name}-rules",
            name=RULE_GROUP,
            folder_uid=self.folder.uid,
            interval_seconds=EVALUATE_EVERY_SECONDS,
            rules=[_rule(r, self.datasource_uid, args.runbook_base) for r in self.rules],
            opts=child,
        )

        labels = {"environment": args.environment}
        self.api_scrape = grafana.connections.MetricsEndpointScrapeJob(
            f"{name}-scrape-api",
            stack_id=args.stack_id,
            name=f"crm-api-{args.environment}",
            enabled=True,
            url=f"https://{args.api_hostname}/metrics",
            authentication_method="bearer",
            authentication_bearer_token=pulumi.Output.secret(args.metrics_token),
            scrape_interval_seconds=SCRAPE_INTERVAL_SECONDS,
            static_labels=labels,
            opts=child,
        )
        kuma_metrics = pulumi.Output.from_input(args.kuma_url).apply(
            lambda url: url.rstrip("/") + "/metrics"
        )
        self.kuma_scrape = grafana.connections.MetricsEndpointScrapeJob(
            f"{name}-scrape-uptime-kuma",
            stack_id=args.stack_id,
            name=f"uptime-kuma-{args.environment}",
            enabled=True,
            url=kuma_metrics,
            authentication_method="basic",
            authentication_basic_username=args.kuma_username,
            authentication_basic_password=pulumi.Output.secret(args.kuma_password),
            scrape_interval_seconds=SCRAPE_INTERVAL_SECONDS,
            static_labels=labels,
            opts=child,
        )

        self.dashboard_urls = {uid: f"{args.url.rstrip('/')}/d/{uid}" for uid in self.dashboards}
        self.register_outputs(
            {"dashboard_urls": self.dashboard_urls, "alert_rules": [r.title for r in self.rules]}
        )


def _prometheus_uid(wanted: str, uid: str | None, kind: str | None) -> str:
    if uid != wanted or kind != "prometheus":
        raise ValueError(
            f"Grafana data source {wanted!r} is {kind!r}, not a Prometheus data source: set "
            "careers-crm:grafana.prometheusDatasourceUid to the stack's hosted Prometheus uid"
        )
    return uid


def _rule(
    rule: AlertRule, datasource_uid: pulumi.Output[str], runbook_base: str
) -> grafana.alerting.RuleGroupRuleArgs:
    query_model = datasource_uid.apply(lambda uid: alert_model_json(rule.query_model(uid)))
    return grafana.alerting.RuleGroupRuleArgs(
        name=rule.title,
        uid=rule.uid,
        condition="B",
        for_=rule.for_,
        no_data_state=rule.no_data,
        exec_err_state="Error",
        labels=rule.all_labels(),
        annotations=rule.annotations(runbook_base),
        datas=[
            grafana.alerting.RuleGroupRuleDataArgs(
                ref_id="A",
                datasource_uid=datasource_uid,
                relative_time_range=grafana.alerting.RuleGroupRuleDataRelativeTimeRangeArgs(
                    from_=QUERY_WINDOW_SECONDS, to=0
                ),
                model=query_model,
            ),
            grafana.alerting.RuleGroupRuleDataArgs(
                ref_id="B",
                datasource_uid="__expr__",
                relative_time_range=grafana.alerting.RuleGroupRuleDataRelativeTimeRangeArgs(
                    from_=0, to=0
                ),
                model=alert_model_json(rule.condition_model()),
            ),
        ],
    )
