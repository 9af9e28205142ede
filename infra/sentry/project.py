"""Sentry for the CRM: one project for the API and the worker, its client key, and the alerts.

The key's DSN goes to both Railway services as a secret variable (the DSN lets anyone post
events to the project, so it is not public config). The key carries a rate limit, so a crash
loop cannot spend the free plan's monthly event quota in an hour. Both alerts post to the
channel Grafana's contact point posts to (Slack or Discord, through the Sentry integration
installed on that workspace / server): one place to watch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pulumi
import pulumiverse_sentry as sentry

ISSUE_ALERT_FREQUENCY_MINUTES = 30
ERROR_BURST_EVENTS = 20  # metric alert: more errors than this in an hour pages
ERROR_BURST_WINDOW_MINUTES = 60.0

# Sentry's action ids for the chat integrations (Issue Alert rule actions).
_ISSUE_ACTIONS = {
    "slack": "sentry.integrations.slack.notify_action.SlackNotifyServiceAction",
    "discord": "sentry.integrations.discord.notify_action.DiscordNotifyServiceAction",
}


@dataclass(frozen=True)
class SentryArgs:
    organization: str  # slug
    team: str  # slug of the team that owns the project
    project_slug: str
    auth_token: pulumi.Input[str]  # the provider's token (org:read, project:write, alerts:write)
    channel_kind: Literal["slack", "discord"]  # the same kind as Grafana's contact point
    integration_id: str  # the Slack workspace / Discord server integration installed in Sentry
    channel: str  # Slack "#channel" or Discord channel id: where Grafana's webhook posts
    key_rate_limit_per_hour: int = 600


class SentryProject(pulumi.ComponentResource):
    """Project, client key, an issue alert and a metric alert, through an explicit provider."""

    dsn: pulumi.Output[str]

    def __init__(
        self, name: str, args: SentryArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("crm:sentry:Project", name, None, opts)
        self.provider = sentry.Provider(
            f"{name}-provider",
            token=pulumi.Output.secret(args.auth_token),
            opts=pulumi.ResourceOptions(parent=self),
        )
        child = pulumi.ResourceOptions(parent=self, provider=self.provider)
        self.project = sentry.SentryProject(
            f"{name}-project",
            organization=args.organization,
            teams=[args.team],
            name=args.project_slug,
            slug=args.project_slug,
            platform="python-fastapi",
            resolve_age=720,  # auto-resolve issues quiet for 30 days
            opts=child,
        )
        self.key = sentry.SentryKey(
            f"{name}-key",
            organization=args.organization,
            project=self.project.slug,
            name="crm-api-and-worker",
            rate_limit_count=args.key_rate_limit_per_hour,
            rate_limit_window=3600,
            opts=pulumi.ResourceOptions.merge(
                child,
                pulumi.ResourceOptions(
                    additional_secret_outputs=["dsnSecret", "dsnPublic", "secret"]
                ),
            ),
        )
        self.dsn = pulumi.Output.secret(self.key.dsn_public)

        issue_action: dict[str, pulumi.Input[str]] = {"id": _ISSUE_ACTIONS[args.channel_kind]}
        if args.channel_kind == "slack":
            issue_action |= {"workspace": args.integration_id, "channel": args.channel}
        else:
            issue_action |= {"server": args.integration_id, "channel_id": args.channel}
        self.issue_alert = sentry.SentryIssueAlert(
            f"{name}-new-issue",
            organization=args.organization,
            project=self.project.slug,
            name="New or regressed issue in the CRM",
            action_match="any",
            filter_match="all",
            frequency=ISSUE_ALERT_FREQUENCY_MINUTES,
            conditions=[
                {"id": "sentry.rules.conditions.first_seen_event.FirstSeenEventCondition"},
                {"id": "sentry.rules.conditions.regression_event.RegressionEventCondition"},
            ],
            actions=[issue_action],
            opts=child,
        )
        self.metric_alert = sentry.SentryMetricAlert(
            f"{name}-error-burst",
            organization=args.organization,
            project=self.project.slug,
            name="CRM errors over 20 per hour",
            dataset="events",
            event_types=["error"],
            query="",
            aggregate="count()",
            time_window=ERROR_BURST_WINDOW_MINUTES,
            threshold_type=0,  # above
            resolve_threshold=0,
            triggers=[
                sentry.SentryMetricAlertTriggerArgs(
                    label="critical",
                    alert_threshold=ERROR_BURST_EVENTS,
                    threshold_type=0,
                    resolve_threshold=0,
                    actions=[
                        sentry.SentryMetricAlertTriggerActionArgs(
                            type=args.channel_kind,
                            target_type="specific",
                            target_identifier=args.channel,
                            integration_id=int(args.integration_id),
                        )
                    ],
                )
            ],
            opts=child,
        )
        self.register_outputs({"project": self.project.slug})
