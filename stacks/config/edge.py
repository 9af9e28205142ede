"""DNS names and the Cloudflare edge: zone, plan, TLS, HSTS, and the rate limits the plan allows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from infra.baseline import TLS_VERSIONS
from infra.cloudflare.plans import LIMITS, PLANS, PlanLimits, PlanName
from infra.cloudflare.waf import RateLimitRule
from stacks.config.reader import (
    Reader,
    cf_id_check,
    domain_check,
    label_check,
)

ONE_YEAR = 31_536_000


@dataclass(frozen=True)
class DnsConfig:
    domain: str
    api_label: str
    web_label: str

    @property
    def api_hostname(self) -> str:
        return f"{self.api_label}.{self.domain}"

    @property
    def web_hostname(self) -> str:
        return f"{self.web_label}.{self.domain}"

    @property
    def web_origin(self) -> str:
        return f"https://{self.web_hostname}"


@dataclass(frozen=True)
class CloudflareConfig:
    account_id: str
    zone_id: str
    plan: PlanName
    min_tls_version: str
    hsts_max_age: int
    rate_limits: tuple[RateLimitRule, ...]

    @property
    def limits(self) -> PlanLimits:
        return LIMITS[self.plan]


# The API serves its routes at the root of api.<domain> (sign-in is at <ref>.supabase.co,
# outside the zone): every route that writes or carries a token. CRM-EDGE-006 proves the
# expression matches each of them, from the app's own OpenAPI document.
API_RATE_LIMIT_PATHS: Final = (
    "/students*",
    "/applications/*",
    "/reminders/*",
    "/staff*",
    "/organization",
    "/me",
    "/metrics",
)
RATE_LIMIT_FIELDS: Final = (
    "name",
    "paths",
    "requestsPerPeriod",
    "period",
    "mitigationTimeout",
    "action",
)
DEFAULT_RATE_LIMITS: Final[list[dict[str, Any]]] = [
    {
        "name": "API routes that write or carry a token",
        "paths": list(API_RATE_LIMIT_PATHS),
        "requestsPerPeriod": 100,
        "period": 10,
        "mitigationTimeout": 10,
        "action": "block",
    },
]


def _rate_limits(reader: Reader, limits: PlanLimits) -> tuple[RateLimitRule, ...]:
    key = "cloudflare.rateLimits"
    raw = reader.structured(key, DEFAULT_RATE_LIMITS)
    if not isinstance(raw, list) or not raw:
        reader.problem(
            key,
            "must be a non-empty list of rules "
            "(name, paths, requestsPerPeriod, period, mitigationTimeout)",
        )
        return ()
    if len(raw) > limits.rate_limit_rules:
        reader.problem(
            key,
            f"has {len(raw)} rules but the Cloudflare {limits.plan} plan allows "
            f"{limits.rate_limit_rules}; merge the paths into fewer rules or "
            f"raise cloudflare.plan",
        )
    rules: list[RateLimitRule] = []
    for i, item in enumerate(raw):
        where = f"{key}[{i}]"
        if not isinstance(item, Mapping):
            reader.problem(where, "must be an object")
            continue
        reader.fields(where, item, RATE_LIMIT_FIELDS)
        rule = _rate_limit(reader, where, item, limits)
        if rule is not None:
            rules.append(rule)
    return tuple(rules)


def _rate_limit(
    reader: Reader, where: str, item: Mapping[str, Any], limits: PlanLimits
) -> RateLimitRule | None:
    name, paths = item.get("name"), item.get("paths")
    rpp, period = item.get("requestsPerPeriod"), item.get("period")
    timeout, action = item.get("mitigationTimeout", period), item.get("action", "block")
    ok = True
    if not isinstance(name, str) or not name:
        reader.problem(f"{where}.name", "must be a non-empty string")
        ok = False
    if (
        not isinstance(paths, list)
        or not paths
        or not all(isinstance(p, str) and p.startswith("/") for p in paths)
    ):
        reader.problem(f"{where}.paths", "must be a non-empty list of paths starting with '/'")
        ok = False
    elif bad := [p for p in paths if "**" in p or '"' in p or "\\" in p]:
        # Cloudflare rejects '**' in a wildcard; a quote or backslash would end the literal.
        reader.problem(f"{where}.paths", f"{', '.join(bad)}: no '**', quote or backslash in a path")
        ok = False
    if not isinstance(rpp, int) or rpp < 1:
        reader.problem(f"{where}.requestsPerPeriod", "must be a positive whole number")
        ok = False
    allowed_periods = sorted(limits.rate_limit_periods)
    if not isinstance(period, int) or period not in limits.rate_limit_periods:
        reader.problem(
            f"{where}.period",
            f"must be one of {allowed_periods} seconds on the "
            f"Cloudflare {limits.plan} plan; got {period!r}",
        )
        ok = False
    allowed_timeouts = sorted(limits.mitigation_timeouts)
    if not isinstance(timeout, int) or timeout not in limits.mitigation_timeouts:
        reader.problem(
            f"{where}.mitigationTimeout",
            f"must be one of {allowed_timeouts} seconds on the Cloudflare "
            f"{limits.plan} plan; got {timeout!r}",
        )
        ok = False
    if action not in ("block", "managed_challenge", "js_challenge", "log"):
        reader.problem(f"{where}.action", "must be block, managed_challenge, js_challenge or log")
        ok = False
    if not ok:
        return None
    return RateLimitRule(
        name=str(name),
        paths=tuple(paths or ()),
        requests_per_period=int(rpp or 0),
        period=int(period or 0),
        mitigation_timeout=int(timeout),
        action=action,
    )


def read_dns(reader: Reader) -> DnsConfig:
    dns = DnsConfig(
        domain=reader.string("domain", check=domain_check),
        api_label=reader.string("dns.apiHost", "api", check=label_check),
        web_label=reader.string("dns.webHost", "app", check=label_check),
    )
    if dns.api_label == dns.web_label:
        reader.problem("dns.webHost", "must differ from dns.apiHost")
    return dns


def read_cloudflare(reader: Reader) -> CloudflareConfig:
    plan = reader.choice("cloudflare.plan", "free", PLANS)
    return CloudflareConfig(
        account_id=reader.string("cloudflare.accountId", check=cf_id_check),
        zone_id=reader.string("cloudflare.zoneId", check=cf_id_check),
        plan=plan,
        min_tls_version=reader.choice("cloudflare.minTlsVersion", "1.2", TLS_VERSIONS),
        hsts_max_age=reader.integer(
            "cloudflare.hstsMaxAge", ONE_YEAR, minimum=ONE_YEAR, maximum=2 * ONE_YEAR
        ),
        rate_limits=_rate_limits(reader, LIMITS[plan]),
    )
