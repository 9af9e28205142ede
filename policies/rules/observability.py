"""Observability rules: every public hostname is watched (Uptime Kuma) and alerted on
(Grafana), and alerts reach someone."""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import urlparse

from pulumi_policy import PolicyResource, ResourceValidationArgs, StackValidationArgs

from policies import controls as c
from policies.findings import show
from policies.model import Rule, Violation
from policies.rules._define import HIGH, MANDATORY, resource_rule, stack_rule
from policies.rules._props import as_list, get, of_type, plain

RULES: list[Rule] = []

DNS_RECORD = "cloudflare:index/dnsRecord:DnsRecord"
MONITOR = "pulumi-python:dynamic/uptimekuma:Monitor"
KUMA_NOTIFICATION = "pulumi-python:dynamic/uptimekuma:Notification"
RULE_GROUP = "grafana:alerting/ruleGroup:RuleGroup"
CONTACT_POINT = "grafana:alerting/contactPoint:ContactPoint"
NOTIFICATION_POLICY = "grafana:alerting/notificationPolicy:NotificationPolicy"
WEB_KINDS = ("http", "keyword")


def public_hostnames(args: StackValidationArgs) -> list[str]:
    return sorted(
        {
            str(get(r.props, "name")).rstrip(".").lower()
            for r in of_type(args, DNS_RECORD)
            if get(r.props, "type") in ("A", "AAAA", "CNAME")
        }
    )


def _web_monitors(args: StackValidationArgs) -> list[PolicyResource]:
    return [m for m in of_type(args, MONITOR) if get(m.props, "spec.kind") in WEB_KINDS]


def _host(url: object) -> str:
    return (urlparse(str(url)).hostname or "").lower()


@stack_rule(
    RULES,
    id="CRM-OBS-001",
    title="Every public hostname has an uptime monitor",
    severity=HIGH,
    enforcement=MANDATORY,
    controls=[c.SOC2_CC7_2, c.SOC2_A1_2],
    description="Each hostname in the zone is probed over HTTPS from Uptime Kuma, so "
    "an outage is seen before users report it (this is also the web "
    "front's health check: Vercel has none to configure).",
    remediation="Add the hostname to UptimeMonitoringArgs (api_host, web_host or extra_hosts).",
)
def monitored(args: StackValidationArgs) -> Iterator[Violation]:
    watched = {_host(get(m.props, "spec.url")) for m in _web_monitors(args)}
    for host in public_hostnames(args):
        if host not in watched:
            yield Violation(
                f"{host} has no HTTP(S) uptime monitor",
                path="Monitor.spec.url",
                actual=sorted(watched),
                required=f"https://{host}/...",
            )


@stack_rule(
    RULES,
    id="CRM-OBS-002",
    title="Every public hostname has an alert rule",
    severity=HIGH,
    enforcement=MANDATORY,
    controls=[c.SOC2_CC7_2, c.CIS_13_1],
    description="A Grafana alert rule fires when a hostname's monitor reports it down.",
    remediation="Add the hostname to the alert rules (dashboards/alerts.py "
    "alert_rules(public_hosts)).",
)
def alerted(args: StackValidationArgs) -> Iterator[Violation]:
    text = " ".join(
        json.dumps(plain(r.props), default=str).lower() for r in of_type(args, RULE_GROUP)
    )
    names: dict[str, set[str]] = {}
    for m in _web_monitors(args):
        host = _host(get(m.props, "spec.url"))
        names.setdefault(host, set()).add(str(get(m.props, "spec.name", "")).lower())
    for host in public_hostnames(args):
        if host not in text and not any(n and n in text for n in names.get(host, ())):
            yield Violation(
                f"no alert rule covers {host}",
                path="RuleGroup.rules",
                actual="absent",
                required=f"a rule on {host}'s monitor",
            )


@stack_rule(
    RULES,
    id="CRM-OBS-003",
    title="Alerts reach a contact point",
    severity=HIGH,
    enforcement=MANDATORY,
    controls=[c.SOC2_CC7_3, c.CIS_17_2],
    description="Every Grafana alert rule routes to a declared contact point (its own "
    "notification settings or the notification policy), and every Uptime "
    "Kuma web monitor notifies a declared channel.",
    remediation="Declare a ContactPoint and route rules to it; attach the Kuma "
    "notification to every monitor.",
)
def routed(args: StackValidationArgs) -> Iterator[Violation]:
    points = {str(get(p.props, "name")) for p in of_type(args, CONTACT_POINT)}
    policies = list(of_type(args, NOTIFICATION_POLICY))
    default_route = any(str(get(p.props, "contactPoint")) in points for p in policies)
    for policy in policies:
        for i, route in enumerate(as_list(get(policy.props, "policies"))):
            target = get(route, "contactPoint")
            if target is not None and str(target) not in points:
                yield Violation(
                    f"notification route {i} sends to undeclared contact point {show(target)}",
                    path=f"policies.{i}.contactPoint",
                    actual=target,
                    required=sorted(points),
                    urn=policy.urn,
                )
    for group in of_type(args, RULE_GROUP):
        for i, rule in enumerate(as_list(get(group.props, "rules"))):
            target = get(rule, "notificationSettings.contactPoint")
            if target is not None and str(target) not in points:
                yield Violation(
                    f"alert rule {get(rule, 'name')} routes to undeclared contact point "
                    f"{show(target)}",
                    path=f"rules.{i}.notificationSettings",
                    actual=target,
                    required=sorted(points),
                    urn=group.urn,
                )
            elif target is None and not default_route:
                yield Violation(
                    f"alert rule {get(rule, 'name')} reaches no contact point",
                    path=f"rules.{i}.notificationSettings",
                    actual=None,
                    required="a declared contact point (rule or policy)",
                    urn=group.urn,
                )
    has_channel = any(True for _ in of_type(args, KUMA_NOTIFICATION))
    for monitor in _web_monitors(args):
        if not has_channel or not as_list(get(monitor.props, "spec.notification_ids")):
            yield Violation(
                f"monitor {get(monitor.props, 'spec.name')} notifies nobody",
                path="spec.notification_ids",
                actual=get(monitor.props, "spec.notification_ids"),
                required="the declared Uptime Kuma notification",
                urn=monitor.urn,
            )


ACCESS_POLICY = "grafana:cloud/accessPolicy:AccessPolicy"
# What an OTLP exporter needs on Grafana Cloud's gateway; nothing reads, nothing administers.
TELEMETRY_WRITE_SCOPES = ("traces:write", "logs:write", "metrics:write")


@resource_rule(
    RULES,
    id="CRM-OBS-004",
    title="Grafana Cloud telemetry tokens can only write telemetry, to one stack",
    severity=HIGH,
    enforcement=MANDATORY,
    types=[ACCESS_POLICY],
    controls=[c.SOC2_CC6_3, c.CIS_6_8],
    description="The access policy behind the services' OTLP token grants only "
    "traces/logs/metrics write, on a single stack realm: a leaked token can add noise, "
    "not read data, delete anything or reach other stacks.",
    remediation="Limit AccessPolicy.scopes to traces:write, logs:write, metrics:write and "
    "its realms to the one stack (type stack, identifier = grafana.stackId).",
    config={"allowed_scopes": {"type": "array", "default": list(TELEMETRY_WRITE_SCOPES)}},
)
def telemetry_token_least_privilege(args: ResourceValidationArgs) -> Iterator[Violation]:
    allowed = set(args.get_config().get("allowed_scopes", TELEMETRY_WRITE_SCOPES))
    scopes = [str(s) for s in as_list(get(args.props, "scopes"))]
    extra = sorted(set(scopes) - allowed)
    if not scopes or extra:
        yield Violation(
            f"access policy {args.name} grants {extra or 'no scopes'} beyond telemetry writes",
            path="scopes",
            actual=scopes,
            required=sorted(allowed),
        )
    realms = as_list(get(args.props, "realms"))
    if len(realms) != 1 or get(realms[0], "type") != "stack" or not get(realms[0], "identifier"):
        yield Violation(
            f"access policy {args.name} is not limited to one stack",
            path="realms",
            actual=[{"type": get(r, "type"), "identifier": get(r, "identifier")} for r in realms],
            required=[{"type": "stack", "identifier": "<grafana.stackId>"}],
        )
