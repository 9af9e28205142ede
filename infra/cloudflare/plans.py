"""What each Cloudflare plan allows in the WAF, so a config Cloudflare would reject at `up`
is refused before it gets there.

Figures from Cloudflare's WAF documentation (custom rules and rate limiting rules
availability tables, https://developers.cloudflare.com/waf/rate-limiting-rules/ and
https://developers.cloudflare.com/waf/custom-rules/, read Nov 2026).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

PlanName = Literal["free", "pro", "business", "enterprise"]
PLANS: Final[tuple[PlanName, ...]] = ("free", "pro", "business", "enterprise")

FREE_MANAGED_RULESET_ID: Final = "77454fe2d30c4220b5701f6fdfb893ba"
CLOUDFLARE_MANAGED_RULESET_ID: Final = "efb7b8c949ac4650a09736fc376e9aee"
OWASP_CORE_RULESET_ID: Final = "4814384a9e5d4991b9815dcfc25d2f1f"

PATH_FIELD: Final = "http.request.uri.path"
VERIFIED_BOT_FIELD: Final = "cf.client.bot"


@dataclass(frozen=True)
class PlanLimits:
    plan: PlanName
    custom_rules: int
    rate_limit_rules: int
    rate_limit_periods: frozenset[int]
    mitigation_timeouts: frozenset[int]
    # None: every field of the Rules language may be used in a rate limit expression.
    rate_limit_fields: frozenset[str] | None
    regex: bool
    managed_rulesets: tuple[str, ...]
    waf_attack_score: bool

    def managed_ruleset_names(self) -> tuple[str, ...]:
        names = {
            FREE_MANAGED_RULESET_ID: "Cloudflare Free Managed Ruleset",
            CLOUDFLARE_MANAGED_RULESET_ID: "Cloudflare Managed Ruleset",
            OWASP_CORE_RULESET_ID: "Cloudflare OWASP Core Ruleset",
        }
        return tuple(names[r] for r in self.managed_rulesets)


LIMITS: Final[dict[PlanName, PlanLimits]] = {
    "free": PlanLimits(
        plan="free",
        custom_rules=5,
        rate_limit_rules=1,
        rate_limit_periods=frozenset({10}),
        mitigation_timeouts=frozenset({10}),
        rate_limit_fields=frozenset({PATH_FIELD, VERIFIED_BOT_FIELD}),
        regex=False,
        managed_rulesets=(FREE_MANAGED_RULESET_ID,),
        waf_attack_score=False,
    ),
    "pro": PlanLimits(
        plan="pro",
        custom_rules=20,
        rate_limit_rules=2,
        rate_limit_periods=frozenset({10, 60}),
        mitigation_timeouts=frozenset({10, 60, 3600}),
        rate_limit_fields=frozenset(
            {
                PATH_FIELD,
                VERIFIED_BOT_FIELD,
                "http.host",
                "http.request.uri",
                "http.request.full_uri",
                "http.request.uri.query",
            }
        ),
        regex=False,
        managed_rulesets=(CLOUDFLARE_MANAGED_RULESET_ID, OWASP_CORE_RULESET_ID),
        waf_attack_score=False,
    ),
    "business": PlanLimits(
        plan="business",
        custom_rules=100,
        rate_limit_rules=5,
        rate_limit_periods=frozenset({10, 60, 120, 300, 600}),
        mitigation_timeouts=frozenset({10, 60, 120, 300, 600, 3600, 86400}),
        rate_limit_fields=None,
        regex=True,
        managed_rulesets=(CLOUDFLARE_MANAGED_RULESET_ID, OWASP_CORE_RULESET_ID),
        waf_attack_score=True,
    ),
    "enterprise": PlanLimits(
        plan="enterprise",
        custom_rules=1000,
        rate_limit_rules=100,
        rate_limit_periods=frozenset({10, 60, 120, 300, 600, 3600}),
        mitigation_timeouts=frozenset({10, 60, 120, 300, 600, 3600, 86400}),
        rate_limit_fields=None,
        regex=True,
        managed_rulesets=(CLOUDFLARE_MANAGED_RULESET_ID, OWASP_CORE_RULESET_ID),
        waf_attack_score=True,
    ),
}

# Every rate limit rule counts per data centre and client IP; cf.colo.id is mandatory.
REQUIRED_CHARACTERISTICS: Final = ("cf.colo.id", "ip.src")
