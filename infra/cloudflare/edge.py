"""The Cloudflare edge of the CRM: zone TLS settings, proxied DNS for the API and web hosts,
and the WAF (managed rulesets, custom rules, rate limiting) sized to the zone's plan."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_cloudflare as cloudflare

from infra.cloudflare.plans import PlanLimits
from infra.cloudflare.tls import zone_settings
from infra.cloudflare.waf import RateLimitRule, custom_rules, managed_rules, rate_limit_rules


@dataclass(frozen=True)
class ProxiedHost:
    """A hostname in the zone, CNAMEd to a hosting provider's target through Cloudflare."""

    hostname: str
    target: pulumi.Input[str]
    comment: str


@dataclass(frozen=True)
class EdgeArgs:
    zone_id: str
    limits: PlanLimits
    api_hostname: str
    min_tls_version: str
    hsts_max_age: int
    rate_limits: Sequence[RateLimitRule]
    hosts: Sequence[ProxiedHost] = field(default_factory=tuple)


class Edge(pulumi.ComponentResource):
    hostnames: pulumi.Output[list[str]]

    def __init__(
        self, name: str, args: EdgeArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("crm:edge:Edge", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        self.settings = [
            cloudflare.ZoneSetting(
                f"{name}-{setting_id.replace('_', '-')}",
                zone_id=args.zone_id,
                setting_id=setting_id,
                value=value,
                opts=child,
            )
            for setting_id, value in zone_settings(args.min_tls_version, args.hsts_max_age).items()
        ]

        self.records = [
            cloudflare.DnsRecord(
                f"{name}-{host.hostname.split('.')[0]}",
                zone_id=args.zone_id,
                name=host.hostname,
                type="CNAME",
                content=host.target,
                proxied=True,
                ttl=1,
                comment=host.comment,
                opts=child,
            )
            for host in args.hosts
        ]

        def ruleset(
            suffix: str,
            title: str,
            description: str,
            phase: str,
            rules: list[cloudflare.RulesetRuleArgsDict],
        ) -> cloudflare.Ruleset:
            return cloudflare.Ruleset(
                f"{name}-{suffix}",
                zone_id=args.zone_id,
                kind="zone",
                name=title,
                description=description,
                phase=phase,
                rules=rules,
                opts=child,
            )

        self.managed_waf = ruleset(
            "waf-managed",
            "CRM managed WAF",
            "Managed rulesets included in the plan",
            "http_request_firewall_managed",
            managed_rules(args.limits),
        )
        self.custom_waf = ruleset(
            "waf-custom",
            "CRM custom WAF rules",
            "Block what the CRM never serves",
            "http_request_firewall_custom",
            custom_rules(args.limits, args.api_hostname),
        )
        self.rate_limits = ruleset(
            "rate-limits",
            "CRM rate limits",
            "Sign-in and API rate limiting",
            "http_ratelimit",
            rate_limit_rules(args.rate_limits),
        )

        self.hostnames = pulumi.Output.from_input([h.hostname for h in args.hosts])
        self.register_outputs({"hostnames": self.hostnames})
