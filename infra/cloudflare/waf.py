"""WAF rules for the zone, built from the plan's limits: managed rulesets, custom rules and
rate limiting rules, each as the rule dicts `cloudflare.Ruleset` takes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from infra.cloudflare.plans import PATH_FIELD, REQUIRED_CHARACTERISTICS, PlanLimits

if TYPE_CHECKING:  # types only: the config layer and the audit import this module, and
    # pulumi_cloudflare costs them seconds to import (docs/performance.md, edit to verdict)
    import pulumi_cloudflare as cloudflare

RateLimitAction = Literal["block", "managed_challenge", "js_challenge", "log"]

# Methods the CRM API serves; anything else to the API host is blocked at the edge.
API_METHODS = ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE")

# Paths scanners probe on every site; the CRM serves none of them.
EXPLOIT_PATHS = (
    "/.env",
    "/.git/",
    "/wp-admin",
    "/wp-login.php",
    "/xmlrpc.php",
    "/phpmyadmin",
    "/cgi-bin/",
    "/vendor/phpunit",
    "/.aws/",
    "/server-status",
)


@dataclass(frozen=True)
class RateLimitRule:
    """One rate limiting rule: requests to `paths` per client IP and data centre. A path
    ending in `*` is a wildcard (Cloudflare's `wildcard`: whole path, `*` = any characters),
    any other path matches exactly (`eq`)."""

    name: str
    paths: tuple[str, ...]
    requests_per_period: int
    period: int
    mitigation_timeout: int
    action: RateLimitAction = "block"

    def expression(self) -> str:
        clauses = [
            f'{PATH_FIELD} wildcard "{p}"' if p.endswith("*") else f'{PATH_FIELD} eq "{p}"'
            for p in self.paths
        ]
        return "(" + " or ".join(clauses) + ")"


def managed_rules(limits: PlanLimits) -> list[cloudflare.RulesetRuleArgsDict]:
    """Execute every managed ruleset the plan includes."""
    return [
        {
            "action": "execute",
            "expression": "true",
            "enabled": True,
            "description": f"Execute {name}",
            "action_parameters": {"id": ruleset_id},
        }
        for ruleset_id, name in zip(
            limits.managed_rulesets, limits.managed_ruleset_names(), strict=True
        )
    ]


def custom_rules(limits: PlanLimits, api_hostname: str) -> list[cloudflare.RulesetRuleArgsDict]:
    """Block what the CRM never serves; on plans with WAF attack score, block likely attacks.

    No bot challenge: sign-in happens at Supabase (outside the zone) and the API is called
    by the web front's fetch(), which cannot solve a challenge, so a challenge here would
    either protect nothing or break the app (CRM-EDGE-013 checks this)."""
    methods = " ".join(f'"{m}"' for m in API_METHODS)
    probes = " or ".join(f'starts_with({PATH_FIELD}, "{p}")' for p in EXPLOIT_PATHS)
    rules: list[cloudflare.RulesetRuleArgsDict] = [
        {
            "action": "block",
            "enabled": True,
            "description": "Block HTTP methods the API does not serve",
            "expression": (
                f'(http.host eq "{api_hostname}" and not http.request.method in {{{methods}}})'
            ),
        },
        {
            "action": "block",
            "enabled": True,
            "description": "Block common exploit and scanner paths",
            "expression": f"({probes})",
        },
    ]
    if limits.waf_attack_score:
        rules.append(
            {
                "action": "block",
                "enabled": True,
                "description": "Block requests the WAF attack score rates as attacks",
                "expression": "(cf.waf.score lt 20)",
            }
        )
    return rules


def rate_limit_rules(rules: Sequence[RateLimitRule]) -> list[cloudflare.RulesetRuleArgsDict]:
    return [
        {
            "action": r.action,
            "enabled": True,
            "description": r.name,
            "expression": r.expression(),
            "ratelimit": {
                "characteristics": list(REQUIRED_CHARACTERISTICS),
                "period": r.period,
                "requests_per_period": r.requests_per_period,
                "mitigation_timeout": r.mitigation_timeout,
            },
        }
        for r in rules
    ]
