"""Sentry rules: the client key cannot spend the quota in a crash loop, and every Sentry alert
posts to the channel Grafana's alerts post to (one place for on-call to watch).

Sentry's server-side data scrubbing and PII switches are project options the provider
(pulumiverse-sentry 0.0.9) does not expose, so no rule here can inspect them: PII is kept
out by the SDK settings in app/observability.py (start_sentry), proven by
tests/telemetry/test_sentry_events.py, not claimed by a policy.
"""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import ResourceValidationArgs, StackValidationArgs

from policies import controls as c
from policies.model import Rule, Violation
from policies.rules._define import HIGH, MANDATORY, MEDIUM, resource_rule, stack_rule
from policies.rules._props import as_list, get, number, of_type

RULES: list[Rule] = []

KEY = "sentry:index/sentryKey:SentryKey"
ISSUE_ALERT = "sentry:index/sentryIssueAlert:SentryIssueAlert"
METRIC_ALERT = "sentry:index/sentryMetricAlert:SentryMetricAlert"
CONTACT_POINT = "grafana:alerting/contactPoint:ContactPoint"
# Sentry's issue-alert action ids for the chat integrations Grafana can also post to.
CHAT_ACTIONS = {
    "sentry.integrations.slack.notify_action.SlackNotifyServiceAction": "slack",
    "sentry.integrations.discord.notify_action.DiscordNotifyServiceAction": "discord",
}
MAX_EVENTS_PER_HOUR = 1000  # the free plan's 5,000 errors a month last a bad day at most


@resource_rule(
    RULES,
    id="CRM-SENTRY-001",
    title="The Sentry client key is rate limited",
    severity=MEDIUM,
    enforcement=MANDATORY,
    types=[KEY],
    controls=[c.SOC2_CC7_2],
    description="Without a rate limit a crash loop spends the plan's monthly event quota "
    "in minutes and Sentry drops the errors that follow, when they matter most.",
    remediation="Set rate_limit_count and rate_limit_window on the SentryKey "
    f"(at most {MAX_EVENTS_PER_HOUR} events an hour; sentry.keyRateLimitPerHour).",
    config={"max_events_per_hour": {"type": "integer", "default": MAX_EVENTS_PER_HOUR}},
)
def key_rate_limited(args: ResourceValidationArgs) -> Iterator[Violation]:
    count = number(get(args.props, "rateLimitCount"))
    window = number(get(args.props, "rateLimitWindow"))
    limit = float(args.get_config().get("max_events_per_hour", MAX_EVENTS_PER_HOUR))
    if not count or not window:
        yield Violation(
            f"Sentry key {args.name} accepts events without a rate limit",
            path="rateLimitCount",
            actual={"rateLimitCount": count, "rateLimitWindow": window},
            required=f"<= {limit:g} events per 3600 s",
        )
    elif count * 3600.0 / window > limit:
        yield Violation(
            f"Sentry key {args.name} accepts {count * 3600.0 / window:g} events an hour",
            path="rateLimitCount",
            actual={"rateLimitCount": count, "rateLimitWindow": window},
            required=f"<= {limit:g} events per hour",
        )


def _grafana_kinds(args: StackValidationArgs) -> set[str]:
    kinds: set[str] = set()
    for point in of_type(args, CONTACT_POINT):
        for kind in ("slack", "discord"):
            if as_list(get(point.props, f"{kind}s")):
                kinds.add(kind)
    return kinds


def _issue_alert_kinds(props: object) -> set[str]:
    return {
        CHAT_ACTIONS[str(get(action, "id"))]
        for action in as_list(get(props, "actions"))
        if str(get(action, "id")) in CHAT_ACTIONS
        and (get(action, "channel") or get(action, "channel_id"))
    }


def _metric_alert_kinds(props: object) -> set[str]:
    """The kinds every trigger posts to (a trigger without a chat action yields nothing)."""
    per_trigger = [
        {
            str(get(a, "type"))
            for a in as_list(get(trigger, "actions"))
            if str(get(a, "type")) in ("slack", "discord") and get(a, "targetIdentifier")
        }
        for trigger in as_list(get(props, "triggers"))
    ]
    return set.intersection(*per_trigger) if per_trigger else set()


@stack_rule(
    RULES,
    id="CRM-SENTRY-002",
    title="Sentry alerts post to Grafana's alert channel",
    severity=HIGH,
    enforcement=MANDATORY,
    controls=[c.SOC2_CC7_2, c.CIS_13_1, c.CIS_17_2],
    description="Each Sentry issue and metric alert posts, through Sentry's chat "
    "integration, to the same kind of channel (Slack or Discord) as Grafana's contact "
    "point, so errors and metric alerts reach the same on-call channel.",
    remediation="Give the alert an action of the contact point's kind with the channel "
    "Grafana's webhook posts to (sentry.alertIntegrationId, sentry.alertChannel).",
)
def alerts_routed(args: StackValidationArgs) -> Iterator[Violation]:
    grafana = _grafana_kinds(args)
    alerts = [(r, _issue_alert_kinds(r.props)) for r in of_type(args, ISSUE_ALERT)] + [
        (r, _metric_alert_kinds(r.props)) for r in of_type(args, METRIC_ALERT)
    ]
    for resource, kinds in alerts:
        if not kinds & grafana:
            yield Violation(
                f"Sentry alert {resource.name} does not post to Grafana's alert channel",
                path="actions",
                actual=sorted(kinds),
                required=f"an action of kind {sorted(grafana) or ['slack|discord']}",
                urn=resource.urn,
            )
