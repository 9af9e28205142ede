"""The edge component under mocks: TLS settings, proxied DNS, WAF sized to the plan."""

from __future__ import annotations

import json

import pytest

from infra.cloudflare.plans import FREE_MANAGED_RULESET_ID, LIMITS
from policies.cfrules import Request, parse
from tests.support.plan import make_graph, prod_graph

RULESET = "cloudflare:index/ruleset:Ruleset"


def settings() -> dict[str, object]:
    return {
        r["inputs"]["settingId"]: r["inputs"]["value"]
        for r in prod_graph().of_type("cloudflare:index/zoneSetting:ZoneSetting")
    }


def test_zone_tls_settings() -> None:
    s = settings()
    assert s["ssl"] == "strict"
    assert s["min_tls_version"] == "1.2"
    assert s["tls_1_3"] == "on"
    assert s["always_use_https"] == "on"
    assert s["automatic_https_rewrites"] == "on"
    hsts = s["security_header"]["strict_transport_security"]  # type: ignore[index]
    assert hsts["enabled"] is True and hsts["include_subdomains"] is True
    assert hsts["max_age"] >= 31_536_000


# Cloudflare API schema `zones_security_header_value` (the keys the API stores and returns).
API_HSTS_KEYS = {"enabled", "include_subdomains", "max_age", "nosniff", "preload"}


def test_hsts_value_reaches_the_engine_in_the_api_shape() -> None:
    """pulumi/pulumi-cloudflare#1579: camelCase keys inside `value` diff on every run.

    The pinned SDK declares `value` untyped (`Any`), so it translates no nested key: what the
    program writes is what the provider sends and compares with what the API returns. The
    plan (what the engine receives) must therefore hold the API's own snake_case keys.
    """
    import inspect

    import pulumi_cloudflare

    hint = inspect.signature(pulumi_cloudflare.ZoneSettingArgs.__init__).parameters["value"]
    assert hint.annotation in ("Any", inspect.Parameter.empty) or "Any" in str(hint.annotation)
    (record,) = [
        r
        for r in prod_graph().of_type("cloudflare:index/zoneSetting:ZoneSetting")
        if r["inputs"]["settingId"] == "security_header"
    ]
    assert set(record["inputs"]["value"]) == {"strict_transport_security"}
    assert set(record["inputs"]["value"]["strict_transport_security"]) == API_HSTS_KEYS


def test_settings_target_the_configured_zone() -> None:
    for record in prod_graph().of_type("cloudflare:index/zoneSetting:ZoneSetting"):
        assert record["inputs"]["zoneId"] == "fedcba9876543210fedcba9876543210"


def test_api_and_web_hosts_are_proxied_cnames() -> None:
    records = {
        r["inputs"]["name"]: r["inputs"]
        for r in prod_graph().of_type("cloudflare:index/dnsRecord:DnsRecord")
    }
    assert {"api.careers.example.edu", "app.careers.example.edu"} <= set(records)
    for name in ("api.careers.example.edu", "app.careers.example.edu"):
        assert records[name]["type"] == "CNAME"
        assert records[name]["proxied"] is True
        assert records[name]["ttl"] == 1
        assert records[name]["content"]


def test_free_plan_waf() -> None:
    graph = prod_graph()
    managed = graph.named("edge-waf-managed")["inputs"]
    assert managed["phase"] == "http_request_firewall_managed"
    assert [r["actionParameters"]["id"] for r in managed["rules"]] == [FREE_MANAGED_RULESET_ID]
    assert all(r["action"] == "execute" for r in managed["rules"])

    custom = graph.named("edge-waf-custom")["inputs"]
    assert custom["phase"] == "http_request_firewall_custom"
    assert 1 <= len(custom["rules"]) <= LIMITS["free"].custom_rules
    expressions = " ".join(r["expression"] for r in custom["rules"])
    assert "http.request.method" in expressions and "/.env" in expressions
    assert "matches" not in expressions  # no regex on the free plan

    limits = graph.named("edge-rate-limits")["inputs"]
    assert limits["phase"] == "http_ratelimit"
    assert len(limits["rules"]) == 1
    rule = limits["rules"][0]
    assert rule["ratelimit"]["period"] == 10
    assert rule["ratelimit"]["mitigationTimeout"] == 10
    assert rule["ratelimit"]["characteristics"] == ["cf.colo.id", "ip.src"]
    # The API's routes live at the root of the API host (no /auth/ or /v1/ prefix).
    expression = parse(rule["expression"])
    assert expression.matches(Request.https("api.careers.example.edu", "POST", "/students"))
    assert expression.matches(Request.https("api.careers.example.edu", "GET", "/me"))
    assert not expression.matches(Request.https("api.careers.example.edu", "GET", "/healthz"))
    assert "http.host" not in rule["expression"]  # free: path and verified bot only


@pytest.mark.parametrize("plan", ["business", "enterprise"])
def test_paid_plans_get_owasp_and_attack_score(plan: str) -> None:
    rules = json.dumps(
        [
            {
                "name": "auth",
                "paths": ["/auth/*"],
                "requestsPerPeriod": 20,
                "period": 60,
                "mitigationTimeout": 600,
            },
            {
                "name": "api",
                "paths": ["/v1/*"],
                "requestsPerPeriod": 600,
                "period": 60,
                "mitigationTimeout": 60,
            },
        ]
    )
    graph = make_graph("prod", **{"cloudflare.plan": plan, "cloudflare.rateLimits": rules})
    managed = graph.named("edge-waf-managed")["inputs"]["rules"]
    assert len(managed) == 2
    custom = graph.named("edge-waf-custom")["inputs"]["rules"]
    assert any("cf.waf.score" in r["expression"] for r in custom)
    assert len(graph.named("edge-rate-limits")["inputs"]["rules"]) == 2
