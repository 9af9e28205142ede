"""Cloudflare edge rules: zone TLS settings, proxied DNS, WAF and rate limits within the plan.

Settings are checked per zone at stack level, so deleting a `ZoneSetting` (which silently
reverts Cloudflare to its weaker default) is caught like weakening its value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pulumi_policy import PolicyResource, StackValidationArgs

from infra.baseline import HSTS_MIN_SECONDS, TLS_VERSIONS
from policies import controls as c
from policies.cfrules import Expression, Request, RulesSyntaxError, cloudflare_parse_error
from policies.cfrules import parse as parse_rules
from policies.evidence import Evidence
from policies.findings import listing, show
from policies.model import Rule, Violation
from policies.routes import Route, api_routes, web_routes
from policies.rules._define import (
    ADVISORY,
    CRITICAL,
    HIGH,
    LOW,
    MANDATORY,
    MEDIUM,
    resource_rule,
    stack_rule,
)
from policies.rules._props import as_list, get, number, of_type, truthy
from policies.settings import CLOUDFLARE_PLAN_LIMITS, cloudflare_plan, schema

RULES: list[Rule] = []

ZONE_SETTING = "cloudflare:index/zoneSetting:ZoneSetting"
DNS_RECORD = "cloudflare:index/dnsRecord:DnsRecord"
RULESET = "cloudflare:index/ruleset:Ruleset"

MANAGED_PHASE = "http_request_firewall_managed"
CUSTOM_PHASE = "http_request_firewall_custom"
RATELIMIT_PHASE = "http_ratelimit"

MANAGED_RULESETS = {
    "free": {"77454fe2d30c4220b5701f6fdfb893ba"},
    "paid": {"efb7b8c949ac4650a09736fc376e9aee", "4814384a9e5d4991b9815dcfc25d2f1f"},
}
RATE_LIMIT_FREE_FIELDS = {"http.request.uri.path", "cf.client.bot", "cf.verified_bot_category"}
_FIELD = re.compile(r"\b((?:http|cf|ip|ssl|raw)\.[a-z0-9_.]+)")
PLAN_CONFIG = schema("cloudflarePlan")


def _zones(args: StackValidationArgs) -> set[str]:
    zones = set()
    for r in of_type(args, ZONE_SETTING, DNS_RECORD, RULESET):
        zone = get(r.props, "zoneId")
        if isinstance(zone, str):
            zones.add(zone)
    return zones


def _setting(args: StackValidationArgs, zone: str, setting_id: str) -> PolicyResource | None:
    for r in of_type(args, ZONE_SETTING):
        if get(r.props, "zoneId") == zone and get(r.props, "settingId") == setting_id:
            return r
    return None


def _require_setting(
    args: StackValidationArgs, setting_id: str, ok: Any, required: str
) -> Iterator[Violation | Evidence]:
    for zone in sorted(_zones(args)):
        found = _setting(args, zone, setting_id)
        yield Evidence(
            f"zone {zone}",
            setting_id,
            "absent (Cloudflare default)" if found is None else get(found.props, "value"),
            None if found is None else found.urn,
        )
        if found is None:
            yield Violation(
                f"zone {zone} does not manage the '{setting_id}' setting, so "
                "Cloudflare's default applies",
                path=f"ZoneSetting[{setting_id}]",
                actual="absent",
                required=required,
            )
            continue
        value = get(found.props, "value")
        if not ok(value):
            yield Violation(
                f"zone setting '{setting_id}' is {show(value)}",
                path="value",
                actual=value,
                required=required,
                urn=found.urn,
            )


@stack_rule(
    RULES,
    id="CRM-EDGE-001",
    title="Origin TLS is Full (strict)",
    severity=CRITICAL,
    enforcement=MANDATORY,
    controls=[c.ASVS_9_2_1, c.CIS_3_10, c.SOC2_CC6_7],
    description="Cloudflare must validate the origin certificate; 'flexible' and 'full' "
    "let anyone on the path to the origin read or alter traffic.",
    remediation="Set the zone's 'ssl' ZoneSetting to 'strict' (EdgeArgs / tls.py).",
)
def ssl_strict(args: StackValidationArgs) -> Iterator[Violation | Evidence]:
    return _require_setting(args, "ssl", lambda v: v in ("strict", "origin_pull"), "strict")


@stack_rule(
    RULES,
    id="CRM-EDGE-002",
    title="Minimum TLS version is 1.2 or higher",
    severity=HIGH,
    enforcement=MANDATORY,
    controls=[c.ASVS_9_1_3, c.CIS_3_10, c.SOC2_CC6_7],
    description="TLS 1.0 and 1.1 are deprecated (RFC 8996) and must not be negotiated.",
    remediation="Set 'min_tls_version' to '1.2' (or '1.3' where every client allows).",
)
def min_tls(args: StackValidationArgs) -> Iterator[Violation | Evidence]:
    return _require_setting(
        args, "min_tls_version", lambda v: isinstance(v, str) and v in TLS_VERSIONS, ">= 1.2"
    )


@stack_rule(
    RULES,
    id="CRM-EDGE-003",
    title="Always Use HTTPS is on",
    severity=HIGH,
    enforcement=MANDATORY,
    controls=[c.ASVS_9_1_1, c.CIS_3_10, c.SOC2_CC6_7],
    description="Plain HTTP requests must be redirected to HTTPS at the edge.",
    remediation="Set the 'always_use_https' ZoneSetting to 'on'.",
)
def always_https(args: StackValidationArgs) -> Iterator[Violation | Evidence]:
    return _require_setting(args, "always_use_https", lambda v: v == "on", "on")


def _hsts_ok(value: Any) -> bool:
    return not _hsts_problems(value)


def _hsts_problems(value: Any) -> list[str]:
    # Cloudflare's API keys (snake_case): camelCase never converges (infra/cloudflare/tls.py).
    hsts = get(value, "strict_transport_security")
    if not isinstance(hsts, dict):
        return ["strict_transport_security is not set"]
    problems = []
    if get(hsts, "enabled") is not True:
        problems.append("HSTS is disabled")
    max_age = number(get(hsts, "max_age"))
    if max_age is None or max_age < HSTS_MIN_SECONDS:
        problems.append(f"max_age {get(hsts, 'max_age')} is under {HSTS_MIN_SECONDS} s (6 months)")
    if get(hsts, "include_subdomains") is not True:
        problems.append("include_subdomains is off")
    return problems


@stack_rule(
    RULES,
    id="CRM-EDGE-004",
    title="HSTS for at least 6 months, with subdomains",
    severity=HIGH,
    enforcement=MANDATORY,
    controls=[c.ASVS_14_4_5, c.CIS_3_10, c.SOC2_CC6_7],
    description="Browsers must refuse plain HTTP to every CRM host for six months after "
    "a visit (Strict-Transport-Security max-age >= 15724800; "
    "includeSubDomains).",
    remediation="In the 'security_header' ZoneSetting set strict_transport_security "
    "enabled=true, max_age>=15724800, include_subdomains=true (Cloudflare's snake_case keys).",
)
def hsts(args: StackValidationArgs) -> Iterator[Violation | Evidence]:
    for v in _require_setting(
        args,
        "security_header",
        _hsts_ok,
        f"enabled, max_age >= {HSTS_MIN_SECONDS}, include_subdomains",
    ):
        if isinstance(v, Evidence) or v.urn is None:
            yield v
            continue
        found = next(r for r in args.resources if r.urn == v.urn)
        yield Violation(
            "; ".join(_hsts_problems(get(found.props, "value"))),
            path="value.strict_transport_security",
            actual=get(found.props, "value.strict_transport_security"),
            required=v.required,
            urn=v.urn,
        )


@stack_rule(
    RULES,
    id="CRM-EDGE-012",
    title="TLS 1.3 is enabled",
    severity=LOW,
    enforcement=ADVISORY,
    controls=[c.ASVS_9_1_3, c.CIS_3_10],
    description="TLS 1.3 removes legacy cipher suites and speeds up the handshake.",
    remediation="Set the 'tls_1_3' ZoneSetting to 'on'.",
)
def tls13(args: StackValidationArgs) -> Iterator[Violation | Evidence]:
    return _require_setting(args, "tls_1_3", lambda v: v in ("on", "zrt"), "on")


def _phase_rulesets(args: StackValidationArgs, zone: str, phase: str) -> list[PolicyResource]:
    return [
        r
        for r in of_type(args, RULESET)
        if get(r.props, "zoneId") == zone and get(r.props, "phase") == phase
    ]


def _enabled(rule: Any) -> bool:
    return get(rule, "enabled", True) is not False


def _plan(args: StackValidationArgs) -> str:
    return cloudflare_plan(args.get_config())


@stack_rule(
    RULES,
    id="CRM-EDGE-005",
    title="A managed WAF ruleset is deployed",
    severity=HIGH,
    enforcement=MANDATORY,
    controls=[c.CIS_13_10, c.SOC2_CC6_6],
    description="Every zone executes Cloudflare's managed ruleset for its plan (the "
    "Free Managed Ruleset on the free plan) in the managed firewall phase.",
    remediation="Add an enabled 'execute' rule for the plan's managed ruleset id to the "
    "zone's http_request_firewall_managed Ruleset.",
    config=PLAN_CONFIG,
)
def managed_waf(args: StackValidationArgs) -> Iterator[Violation]:
    plan = _plan(args)
    wanted = MANAGED_RULESETS["free" if plan == "free" else "paid"]
    for zone in sorted(_zones(args)):
        executed = {
            get(rule, "actionParameters.id")
            for rs in _phase_rulesets(args, zone, MANAGED_PHASE)
            for rule in as_list(get(rs.props, "rules"))
            if get(rule, "action") == "execute" and _enabled(rule)
        }
        if not executed & wanted:
            yield Violation(
                f"zone {zone} executes no managed WAF ruleset of the {plan} plan",
                path=f"Ruleset[{MANAGED_PHASE}].rules[].actionParameters.id",
                actual=sorted(str(e) for e in executed),
                required=f"one of {listing(wanted)}",
            )


def _expressions(rulesets: list[PolicyResource]) -> list[tuple[PolicyResource, int, Any]]:
    return [
        (rs, i, rule) for rs in rulesets for i, rule in enumerate(as_list(get(rs.props, "rules")))
    ]


RAILWAY_DOMAIN = "pulumi-python:dynamic/railway:CustomDomain"
VERCEL_DOMAIN = "vercel:index/projectDomain:ProjectDomain"
BLOCKING_ACTIONS = ("block", "managed_challenge", "challenge", "js_challenge")
CHALLENGES = ("managed_challenge", "challenge", "js_challenge")


def served_hosts(args: StackValidationArgs, zone: str) -> list[tuple[str, str]]:
    """(hostname, "api" | "web") for each DNS record of the zone an origin of ours serves:
    the Railway custom domain serves the API, the Vercel project domain the web front."""
    origins = {str(get(r.props, "domain")): "api" for r in of_type(args, RAILWAY_DOMAIN)}
    origins |= {str(get(r.props, "domain")): "web" for r in of_type(args, VERCEL_DOMAIN)}
    hosts = {
        str(get(r.props, "name"))
        for r in of_type(args, DNS_RECORD)
        if get(r.props, "zoneId") == zone
    }
    return sorted((h, origins[h]) for h in hosts if h in origins)


def _requests(args: StackValidationArgs, zone: str) -> list[tuple[Route, str, Request]]:
    """A legitimate (non-bot) request to every route on every host the zone serves."""
    out = []
    for host, app in served_hosts(args, zone):
        for route in api_routes() if app == "api" else web_routes():
            out.append((route, host, Request.https(host, route.method, route.sample_path)))
    return out


def _parsed(expression: Any) -> Expression | str:
    """The parsed expression, or why it cannot be judged."""
    try:
        return parse_rules(str(expression or ""))
    except RulesSyntaxError as err:
        return str(err)


@stack_rule(
    RULES,
    id="CRM-EDGE-006",
    title="Every write and credential-bearing route is rate limited",
    severity=HIGH,
    enforcement=MANDATORY,
    controls=[c.ASVS_2_2_1, c.ASVS_11_1_4, c.CIS_13_10, c.SOC2_CC6_6],
    description="Each route of the API's OpenAPI document that writes (POST, PUT, PATCH, "
    "DELETE) or carries a credential must be matched, on the host the plan serves it on, "
    "by an enabled blocking rate limit rule, so credential stuffing, token replay and "
    "scripted writes are throttled at the edge. Expressions are evaluated with "
    "Cloudflare's documented semantics (policies/cfrules.py), not read as text.",
    remediation="Add the routes' path prefixes (e.g. '/students*') to the rate limit rule "
    "in cloudflare.rateLimits (Pulumi.yaml default, stacks/config/edge.py).",
)
def rate_limit_coverage(args: StackValidationArgs) -> Iterator[Violation | Evidence]:
    for zone in sorted(_zones(args)):
        requests = [
            (route, host, req)
            for route, host, req in _requests(args, zone)
            if route.write or route.credentials
        ]
        if not requests:
            continue
        rules = [
            (rs, i, rule, _parsed(get(rule, "expression")))
            for rs, i, rule in _expressions(_phase_rulesets(args, zone, RATELIMIT_PHASE))
            if _enabled(rule) and get(rule, "action") in BLOCKING_ACTIONS
        ]
        for rs, i, rule, _ in rules:
            yield Evidence(
                f"zone {zone}", f"rate limit rule {i} expression", get(rule, "expression"), rs.urn
            )
        usable = [p for *_, p in rules if isinstance(p, Expression)]
        covered = [(r, h) for r, h, q in requests if any(e.matches(q) for e in usable)]
        missing = [f"{r} on {h}" for r, h, q in requests if not any(e.matches(q) for e in usable)]
        yield Evidence(
            f"zone {zone}",
            "write/credential routes rate limited",
            f"{len(covered)} of {len(requests)}",
        )
        if missing:
            yield Violation(
                f"zone {zone}: {len(missing)} of {len(requests)} write or credential-bearing "
                f"route(s) match no enabled rate limit rule: {', '.join(missing[:8])}"
                + (" ..." if len(missing) > 8 else ""),
                path=f"Ruleset[{RATELIMIT_PHASE}].rules[].expression",
                actual=[str(get(rule, "expression")) for _, _, rule, _ in rules],
                required=f"an expression matching {', '.join(missing[:8])}",
                urn=rules[0][0].urn if rules else None,
            )


@stack_rule(
    RULES,
    id="CRM-EDGE-013",
    title="Every rate limit and challenge rule protects a served route",
    severity=HIGH,
    enforcement=MANDATORY,
    controls=[c.ASVS_11_1_4, c.CIS_13_10, c.SOC2_CC6_6],
    description="A rate limit or challenge whose expression matches no request to any "
    "route the plan serves protects nothing, yet reads as a protection in review and "
    "audit. Each is evaluated against a legitimate request to every API and web route "
    "on the zone's hosts.",
    remediation="Point the expression at the routes the app serves (see the API's "
    "OpenAPI document), or delete the rule.",
)
def protects_something(args: StackValidationArgs) -> Iterator[Violation | Evidence]:
    for zone in sorted(_zones(args)):
        requests = _requests(args, zone)
        candidates = [
            (phase, rs, i, rule)
            for phase in (RATELIMIT_PHASE, CUSTOM_PHASE)
            for rs, i, rule in _expressions(_phase_rulesets(args, zone, phase))
            if _enabled(rule) and (phase == RATELIMIT_PHASE or get(rule, "action") in CHALLENGES)
        ]
        for phase, rs, i, rule in candidates:
            parsed = _parsed(get(rule, "expression"))
            if isinstance(parsed, str):
                yield Violation(
                    f"{phase} rule {i} cannot be evaluated: {parsed}",
                    path=f"rules.{i}.expression",
                    actual=get(rule, "expression"),
                    required="an expression in the modelled Rules-language subset",
                    urn=rs.urn,
                )
                continue
            hits = [f"{r} on {h}" for r, h, q in requests if parsed.matches(q)]
            yield Evidence(
                f"zone {zone}",
                f"{phase} rule {i} ({get(rule, 'description')}) matches",
                f"{len(hits)} of {len(requests)} routes" + (f", e.g. {hits[0]}" if hits else ""),
                rs.urn,
            )
            if not hits:
                yield Violation(
                    f"{phase} rule {i} ({get(rule, 'description')}) protects nothing: its "
                    f"expression matches none of the {len(requests)} routes served on "
                    f"{', '.join(h for h, _ in served_hosts(args, zone))}",
                    path=f"rules.{i}.expression",
                    actual=get(rule, "expression"),
                    required="an expression matching at least one served route",
                    urn=rs.urn,
                )


@stack_rule(
    RULES,
    id="CRM-EDGE-014",
    title="Every edge expression parses as Cloudflare parses it",
    severity=MEDIUM,
    enforcement=MANDATORY,
    controls=[c.CIS_4_1, c.SOC2_CC8_1],
    description="Each Ruleset rule expression is parsed by Cloudflare's own wirefilter "
    "parser (octorules-wirefilter); one it rejects fails `pulumi up` or, worse, is "
    "reviewed as if it meant something.",
    remediation="Fix the expression's syntax (see the parser's message).",
)
def expressions_parse(args: StackValidationArgs) -> Iterator[Violation | Evidence]:
    count = 0
    for rs in of_type(args, RULESET):
        for i, rule in enumerate(as_list(get(rs.props, "rules"))):
            expression = str(get(rule, "expression", ""))
            count += 1
            # "true" (every request) is what Cloudflare's own managed-ruleset deployment
            # examples use; wirefilter's default scheme has no such identifier.
            error = None if expression == "true" else cloudflare_parse_error(expression)
            if error:
                yield Violation(
                    f"rule {i} of {get(rs.props, 'phase')}: Cloudflare rejects the "
                    f"expression: {error.splitlines()[-1].strip()}",
                    path=f"rules.{i}.expression",
                    actual=expression,
                    required="an expression Cloudflare's parser accepts",
                    urn=rs.urn,
                )
    yield Evidence("stack", "Ruleset expressions parsed by wirefilter", count)


def _limits(args: StackValidationArgs) -> dict[str, Any]:
    return CLOUDFLARE_PLAN_LIMITS[_plan(args)]


@stack_rule(
    RULES,
    id="CRM-EDGE-007",
    title="Custom WAF rules fit the plan",
    severity=MEDIUM,
    enforcement=MANDATORY,
    controls=[c.CIS_4_1, c.SOC2_CC8_1],
    description="The number of custom rules, and regex use, must be within what the "
    "zone's plan allows, or Cloudflare rejects the change at `up`.",
    remediation="Merge or drop custom rules, or set the policy config cloudflarePlan "
    "to the plan the zone really has.",
    config=PLAN_CONFIG,
)
def custom_rules_fit(args: StackValidationArgs) -> Iterator[Violation]:
    limits = _limits(args)
    for zone in sorted(_zones(args)):
        rules = _expressions(_phase_rulesets(args, zone, CUSTOM_PHASE))
        if len(rules) > limits["custom_rules"]:
            yield Violation(
                f"zone {zone} has {len(rules)} custom rules; the "
                f"{_plan(args)} plan allows {limits['custom_rules']}",
                path=f"Ruleset[{CUSTOM_PHASE}].rules",
                actual=len(rules),
                required=f"<= {limits['custom_rules']}",
                urn=rules[0][0].urn,
            )
        if not limits["regex"]:
            for rs, i, rule in rules:
                if " matches " in f" {get(rule, 'expression', '')} ":
                    yield Violation(
                        f"custom rule {i} uses regex ('matches'), not available "
                        f"on the {_plan(args)} plan",
                        path=f"rules.{i}.expression",
                        actual=get(rule, "expression"),
                        required="no regex",
                        urn=rs.urn,
                    )


def _rate_rules(args: StackValidationArgs) -> Iterator[tuple[PolicyResource, int, Any]]:
    for zone in sorted(_zones(args)):
        yield from _expressions(_phase_rulesets(args, zone, RATELIMIT_PHASE))


@stack_rule(
    RULES,
    id="CRM-EDGE-008",
    title="Rate limit period is one the plan offers",
    severity=MEDIUM,
    enforcement=MANDATORY,
    controls=[c.CIS_4_1, c.SOC2_CC8_1],
    description="Cloudflare accepts only the plan's counting periods (10 s on Free).",
    remediation="Use a period the plan offers (see policies/settings.py).",
    config=PLAN_CONFIG,
)
def rate_limit_period(args: StackValidationArgs) -> Iterator[Violation]:
    allowed = _limits(args)["rate_limit_periods"]
    for rs, i, rule in _rate_rules(args):
        period = number(get(rule, "ratelimit.period"))
        if period is None or int(period) not in allowed:
            yield Violation(
                f"rate limit rule {i} counts over {get(rule, 'ratelimit.period')} s",
                path=f"rules.{i}.ratelimit.period",
                actual=get(rule, "ratelimit.period"),
                required=f"one of {list(allowed)}",
                urn=rs.urn,
            )


@stack_rule(
    RULES,
    id="CRM-EDGE-009",
    title="Rate limit mitigation timeout fits the plan",
    severity=MEDIUM,
    enforcement=MANDATORY,
    controls=[c.CIS_4_1, c.SOC2_CC8_1],
    description="Cloudflare accepts only the plan's mitigation timeouts (10 s on Free).",
    remediation="Use a mitigation timeout the plan offers.",
    config=PLAN_CONFIG,
)
def rate_limit_timeout(args: StackValidationArgs) -> Iterator[Violation]:
    allowed = _limits(args)["mitigation_timeouts"]
    for rs, i, rule in _rate_rules(args):
        timeout = number(get(rule, "ratelimit.mitigationTimeout"))
        if timeout is None or int(timeout) not in allowed:
            yield Violation(
                f"rate limit rule {i} blocks for {get(rule, 'ratelimit.mitigationTimeout')} s",
                path=f"rules.{i}.ratelimit.mitigationTimeout",
                actual=get(rule, "ratelimit.mitigationTimeout"),
                required=f"one of {list(allowed)}",
                urn=rs.urn,
            )


@stack_rule(
    RULES,
    id="CRM-EDGE-010",
    title="Rate limit rules, characteristics and fields fit the plan",
    severity=MEDIUM,
    enforcement=MANDATORY,
    controls=[c.CIS_4_1, c.SOC2_CC8_1],
    description="Count rate limit rules against the plan's quota; every rule counts by "
    "the plan's required characteristics (cf.colo.id and ip.src on Free) "
    "and, on Free, matches only on the path and verified-bot fields.",
    remediation="Keep to the plan's rule count; set characteristics to "
    "cf.colo.id and ip.src; use only path/verified-bot fields on Free.",
    config=PLAN_CONFIG,
)
def rate_limit_shape(args: StackValidationArgs) -> Iterator[Violation]:
    limits = _limits(args)
    rules = list(_rate_rules(args))
    if len(rules) > limits["rate_limit_rules"]:
        yield Violation(
            f"{len(rules)} rate limit rules; the {_plan(args)} plan allows "
            f"{limits['rate_limit_rules']}",
            path="rules",
            actual=len(rules),
            required=f"<= {limits['rate_limit_rules']}",
            urn=rules[0][0].urn,
        )
    for rs, i, rule in rules:
        have = {str(x) for x in as_list(get(rule, "ratelimit.characteristics"))}
        need = set(limits["required_characteristics"])
        if not need <= have:
            yield Violation(
                f"rate limit rule {i} does not count by {listing(need - have)}",
                path=f"rules.{i}.ratelimit.characteristics",
                actual=sorted(have),
                required=sorted(need),
                urn=rs.urn,
            )
        if _plan(args) == "free":
            used = set(_FIELD.findall(str(get(rule, "expression", ""))))
            extra = used - RATE_LIMIT_FREE_FIELDS
            if extra:
                yield Violation(
                    f"rate limit rule {i} matches on {listing(extra)}, not "
                    "available on the free plan",
                    path=f"rules.{i}.expression",
                    actual=sorted(used),
                    required=sorted(RATE_LIMIT_FREE_FIELDS),
                    urn=rs.urn,
                )


@resource_rule(
    RULES,
    id="CRM-EDGE-011",
    title="Every app hostname is proxied through Cloudflare",
    severity=HIGH,
    enforcement=MANDATORY,
    types=[DNS_RECORD],
    controls=[c.CIS_13_10, c.SOC2_CC6_6],
    description="An unproxied A/AAAA/CNAME record bypasses the WAF, rate limits, TLS "
    "settings and HSTS and exposes the origin. Exemptions need a reviewed "
    "entry in policies/exceptions.yaml with a written reason.",
    remediation="Set proxied=true on the DnsRecord, or add a reviewed exception.",
)
def proxied(args: Any) -> Iterator[Violation]:
    if get(args.props, "type") in ("A", "AAAA", "CNAME") and not truthy(get(args.props, "proxied")):
        yield Violation(
            f"{get(args.props, 'name')} is not proxied",
            path="proxied",
            actual=get(args.props, "proxied"),
            required=True,
        )
