"""Weakening changes to the prod graph, each paired with the rule meant to catch it.

One entry per security setting the policy pack guards; test_mutations applies each to a
fresh copy of the real prod plan.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.policies.graphs import add, named, of_type, phase, remove, set_in, setting

Data = dict[str, Any]
Options = dict[str, Any]
FAKE_GITHUB_TOKEN = "ghp_" + "FAKEfake0123456789" * 2  # obviously fake, shaped like one


# What the stack shipped before issue 10: neither matched a route the API serves.
OLD_RATE_LIMIT_EXPRESSION = (
    '(http.request.uri.path wildcard "/auth/*" or http.request.uri.path wildcard "/v1/*")'
)
OLD_CHALLENGE_EXPRESSION = '(starts_with(http.request.uri.path, "/auth/") and not cf.client.bot)'


@dataclass(frozen=True)
class Mutation:
    id: str
    rule: str
    apply: Callable[[Data, Options], None]


UPSTASH = "upstash:index/redisDatabase:RedisDatabase"


def _r2_provider_urn(data: Data) -> str:
    provider = next(r for r in data["resources"] if r["type"] == "pulumi:providers:aws")
    return f"{provider['urn']}::fake-provider-id"


def _add_s3(type_token: str, extra: dict[str, Any]) -> Callable[[Data, Options], None]:
    def apply(data: Data, _options: Options) -> None:
        add(
            data,
            type_token,
            "storage-backups-extra",
            {"bucket": "careers-crm-prod-backups", **extra},
            provider=_r2_provider_urn(data),
        )

    return apply


def _rate_rule(data: Data) -> dict[str, Any]:
    rule: dict[str, Any] = phase(data, "http_ratelimit")["inputs"]["rules"][0]
    return rule


def _unprotect(name: str) -> Callable[[Data, Options], None]:
    def apply(data: Data, options: Options) -> None:
        options[named(data, name)["urn"]]["protect"] = False

    return apply


def _api_variables(data: Data) -> dict[str, Any]:
    """The API service's plain variables (the worker has its own Variables resource)."""
    variables = next(r for r in of_type(data, RW + "Variables") if r["name"].endswith("api-vars"))
    plain: dict[str, Any] = variables["inputs"]["variables"]
    return plain


def _api_vars(data: Data) -> dict[str, Any]:
    return next(
        r
        for r in of_type(data, "pulumi-python:dynamic/railway:Variables")
        if r["name"].endswith("api-vars")
    )


def _rotation_setting(data: Data) -> dict[str, Any]:
    return next(
        r
        for r in of_type(data, "pulumi-python:dynamic/infisical:Secret")
        if r["inputs"].get("name") == "DB_PASSWORD_ROTATION_DAYS"
    )


def _one(data: Data, kind: str) -> dict[str, Any]:
    found = of_type(data, kind)
    assert len(found) == 1, kind
    return found[0]


def _set(kind: str, path: str, value: Any) -> Callable[[Data, Options], None]:
    return lambda d, o: set_in(_one(d, kind), path, value)


def _drop(kind: str, key: str | None = None) -> Callable[[Data, Options], None]:
    def apply(data: Data, _o: Options) -> None:
        if key is None:
            remove(data, _one(data, kind))
        else:
            _one(data, kind)["inputs"].pop(key)

    return apply


def _add_web_var(key: str, value: str, sensitive: bool) -> Callable[[Data, Options], None]:
    return lambda d, o: add(
        d,
        WEB_VAR,
        f"web-env-{key.lower()}",
        {"key": key, "value": value, "sensitive": sensitive, "targets": ["production", "preview"]},
    )


SB = "pulumi-python:dynamic/supabase:"
INF = "pulumi-python:dynamic/infisical:"
RW = "pulumi-python:dynamic/railway:"
WEB_VAR = "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable"
# Shaped like a Supabase service role JWT; obviously fake (signature "fake-signature").
FAKE_SERVICE_ROLE_JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    + "eyJyb2xlIjoic2VydmljZV9yb2xlIiwiaXNzIjoiZmFrZSJ9."
    + "ZmFrZS1zaWduYXR1cmU"
)


OBS_POLICY = "grafana:alerting/notificationPolicy:NotificationPolicy"
OBS_CONTACT = "grafana:alerting/contactPoint:ContactPoint"


def _monitors(data: Data, host: str) -> list[dict[str, Any]]:
    return [
        m
        for m in of_type(data, "pulumi-python:dynamic/uptimekuma:Monitor")
        if f"//{host}/" in str(m["inputs"].get("spec", {}).get("url"))
    ]


def _monitor(data: Data, host: str) -> dict[str, Any]:
    return _monitors(data, host)[0]


def _drop_monitor(host: str) -> Callable[[Data, Options], None]:
    def apply(data: Data, _o: Options) -> None:
        for monitor in _monitors(data, host):
            remove(data, monitor)

    return apply


def _drop_alerts(host: str) -> Callable[[Data, Options], None]:
    def apply(data: Data, _o: Options) -> None:
        group = _one(data, "grafana:alerting/ruleGroup:RuleGroup")["inputs"]
        group["rules"] = [r for r in group["rules"] if host not in json.dumps(r)]

    return apply


def _ruleset(data: Data) -> dict[str, Any]:
    return of_type(data, "github:index/repositoryRuleset:RepositoryRuleset")[0]


def _six_custom_rules(data: Data, _o: Options) -> None:
    rules = phase(data, "http_request_firewall_custom")["inputs"]["rules"]
    rules.extend(dict(rules[0], description=f"extra {i}") for i in range(6 - len(rules)))


def _second_rate_rule(data: Data, _o: Options) -> None:
    rules = phase(data, "http_ratelimit")["inputs"]["rules"]
    rules.append(dict(rules[0], description="second"))


def _move_api_host(data: Data, _o: Options) -> None:
    """The API moves to a new host in DNS and Railway; vercel.json is not regenerated."""
    named(data, "edge-api")["inputs"]["name"] = "api2.careers.example.edu"
    named(data, "railway-api-domain")["inputs"]["domain"] = "api2.careers.example.edu"


SEAM_MUTATIONS: tuple[Mutation, ...] = (
    Mutation("seam-csp-stale-after-api-host-change", "CRM-SEAM-001", _move_api_host),
    Mutation(
        "seam-api-cors-stale-origin",
        "CRM-SEAM-002",
        lambda d, o: set_in(
            named(d, "railway-api-vars"),
            "variables.CORS_ALLOW_ORIGINS",
            "https://old.careers.example.edu",
        ),
    ),
    Mutation(
        "seam-r2-cors-extra-origin",
        "CRM-SEAM-003",
        lambda d, o: named(d, "storage-uploads-cors")["inputs"]["corsRules"][0][
            "allowedOrigins"
        ].append("https://partner.example.com"),
    ),
    Mutation(
        "seam-auth-redirect-off-zone",
        "CRM-SEAM-004",
        lambda d, o: set_in(
            named(d, "supabase-auth"),
            "uri_allow_list",
            "https://app.careers.example.edu/**,https://evil.example.com/**",
        ),
    ),
    Mutation(
        "seam-auth-site-url-stale",
        "CRM-SEAM-004",
        lambda d, o: set_in(
            named(d, "supabase-auth"), "site_url", "https://old.careers.example.edu"
        ),
    ),
    Mutation(
        "seam-web-domain-without-dns",
        "CRM-SEAM-005",
        lambda d, o: set_in(named(d, "web-domain"), "domain", "www.careers.example.edu"),
    ),
    Mutation(
        "seam-monitor-on-stale-host",
        "CRM-SEAM-006",
        lambda d, o: set_in(
            named(d, "uptime-api-readyz"), "spec.url", "https://old-api.careers.example.edu/readyz"
        ),
    ),
    Mutation(
        "seam-scrape-on-web-host",
        "CRM-SEAM-007",
        lambda d, o: set_in(
            named(d, "grafana-scrape-api"), "url", "https://app.careers.example.edu/metrics"
        ),
    ),
)


MUTATIONS: tuple[Mutation, ...] = (
    # Cloudflare edge
    Mutation(
        "ssl-flexible", "CRM-EDGE-001", lambda d, o: set_in(setting(d, "ssl"), "value", "flexible")
    ),
    Mutation("ssl-setting-removed", "CRM-EDGE-001", lambda d, o: remove(d, setting(d, "ssl"))),
    Mutation(
        "min-tls-1.0",
        "CRM-EDGE-002",
        lambda d, o: set_in(setting(d, "min_tls_version"), "value", "1.0"),
    ),
    Mutation(
        "always-https-off",
        "CRM-EDGE-003",
        lambda d, o: set_in(setting(d, "always_use_https"), "value", "off"),
    ),
    Mutation(
        "hsts-one-day",
        "CRM-EDGE-004",
        lambda d, o: set_in(
            setting(d, "security_header"), "value.strict_transport_security.max_age", 86400
        ),
    ),
    Mutation(
        "hsts-camel-case-never-converges",
        "CRM-EDGE-004",
        lambda d, o: set_in(
            setting(d, "security_header"),
            "value",
            {"strictTransportSecurity": {"enabled": True, "maxAge": 31536000}},
        ),
    ),
    Mutation(
        "hsts-no-subdomains",
        "CRM-EDGE-004",
        lambda d, o: set_in(
            setting(d, "security_header"),
            "value.strict_transport_security.include_subdomains",
            False,
        ),
    ),
    Mutation(
        "managed-waf-disabled",
        "CRM-EDGE-005",
        lambda d, o: set_in(phase(d, "http_request_firewall_managed"), "rules.0.enabled", False),
    ),
    Mutation(
        "managed-waf-removed",
        "CRM-EDGE-005",
        lambda d, o: remove(d, phase(d, "http_request_firewall_managed")),
    ),
    Mutation(
        "rate-limit-on-paths-the-api-never-served",
        "CRM-EDGE-006",
        lambda d, o: _rate_rule(d).update(expression=OLD_RATE_LIMIT_EXPRESSION),
    ),
    Mutation(
        "rate-limit-drops-staff-writes",
        "CRM-EDGE-006",
        lambda d, o: _rate_rule(d).update(
            expression=_rate_rule(d)["expression"].replace(
                ' or http.request.uri.path wildcard "/staff*"', ""
            )
        ),
    ),
    Mutation(
        "rate-limit-protects-nothing",
        "CRM-EDGE-013",
        lambda d, o: _rate_rule(d).update(expression='(http.request.uri.path eq "/v1/login")'),
    ),
    Mutation(
        "bot-challenge-on-auth-protects-nothing",
        "CRM-EDGE-013",
        lambda d, o: phase(d, "http_request_firewall_custom")["inputs"]["rules"].append(
            {
                "action": "managed_challenge",
                "enabled": True,
                "description": "Challenge unverified bots on the sign-in paths",
                "expression": OLD_CHALLENGE_EXPRESSION,
            }
        ),
    ),
    Mutation(
        "expression-cloudflare-rejects",
        "CRM-EDGE-014",
        lambda d, o: set_in(
            phase(d, "http_request_firewall_custom"),
            "rules.1.expression",
            '(http.request.uri.path wildcard "/.env**")',
        ),
    ),
    Mutation(
        "rate-limit-log-only", "CRM-EDGE-006", lambda d, o: _rate_rule(d).update(action="log")
    ),
    Mutation("custom-rules-over-plan", "CRM-EDGE-007", _six_custom_rules),
    Mutation(
        "custom-rule-regex-on-free",
        "CRM-EDGE-007",
        lambda d, o: set_in(
            phase(d, "http_request_firewall_custom"),
            "rules.0.expression",
            '(http.request.uri.path matches "^/admin")',
        ),
    ),
    Mutation(
        "rate-limit-period-60",
        "CRM-EDGE-008",
        lambda d, o: _rate_rule(d)["ratelimit"].update(period=60),
    ),
    Mutation(
        "rate-limit-timeout-600",
        "CRM-EDGE-009",
        lambda d, o: _rate_rule(d)["ratelimit"].update(mitigationTimeout=600),
    ),
    Mutation(
        "rate-limit-without-colo",
        "CRM-EDGE-010",
        lambda d, o: _rate_rule(d)["ratelimit"].update(characteristics=["ip.src"]),
    ),
    Mutation("rate-limit-rules-over-plan", "CRM-EDGE-010", _second_rate_rule),
    Mutation(
        "rate-limit-host-field-on-free",
        "CRM-EDGE-010",
        lambda d, o: _rate_rule(d).update(
            expression='(http.host eq "api.careers.example.edu" and '
            'http.request.uri.path wildcard "/auth/*" or '
            'http.request.uri.path wildcard "/v1/*")'
        ),
    ),
    Mutation(
        "api-host-unproxied",
        "CRM-EDGE-011",
        lambda d, o: set_in(named(d, "edge-api"), "proxied", False),
    ),
    Mutation(
        "tls13-off", "CRM-EDGE-012", lambda d, o: set_in(setting(d, "tls_1_3"), "value", "off")
    ),
    # R2
    Mutation(
        "r2-dev-on",
        "CRM-R2-001",
        lambda d, o: set_in(named(d, "storage-uploads-r2dev"), "enabled", True),
    ),
    Mutation(
        "backup-lock-7-days",
        "CRM-R2-002",
        lambda d, o: set_in(
            named(d, "storage-backups-lock"), "rules.0.condition.maxAgeSeconds", 7 * 86400
        ),
    ),
    Mutation(
        "backup-lock-removed",
        "CRM-R2-002",
        lambda d, o: remove(d, named(d, "storage-backups-lock")),
    ),
    Mutation(
        "backup-lock-prefix-only",
        "CRM-R2-002",
        lambda d, o: set_in(named(d, "storage-backups-lock"), "rules.0.prefix", "daily/"),
    ),
    Mutation(
        "multipart-abort-removed",
        "CRM-R2-003",
        lambda d, o: named(d, "storage-uploads-lifecycle")["inputs"]["rules"][0].pop(
            "abortIncompleteMultipartUpload"
        ),
    ),
    Mutation(
        "cors-any-origin",
        "CRM-R2-004",
        lambda d, o: set_in(named(d, "storage-uploads-cors"), "corsRules.0.allowedOrigins", ["*"]),
    ),
    Mutation(
        "s3-versioning-on-r2",
        "CRM-R2-005",
        _add_s3(
            "aws:s3/bucketVersioning:BucketVersioning",
            {"versioningConfiguration": {"status": "Enabled"}},
        ),
    ),
    Mutation(
        "s3-bucket-policy-on-r2",
        "CRM-R2-005",
        _add_s3("aws:s3/bucketPolicy:BucketPolicy", {"policy": "{}"}),
    ),
    Mutation(
        "s3-public-access-block-on-r2",
        "CRM-R2-005",
        _add_s3(
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", {"blockPublicAcls": True}
        ),
    ),
    Mutation("uploads-bucket-unprotected", "CRM-R2-006", _unprotect("storage-uploads")),
    Mutation("backups-bucket-unprotected", "CRM-R2-006", _unprotect("storage-backups")),
    # Supabase
    Mutation("db-ssl-not-enforced", "CRM-SB-001", _set(SB + "SslEnforcement", "database", False)),
    Mutation("db-ssl-unmanaged", "CRM-SB-001", _drop(SB + "SslEnforcement")),
    Mutation(
        "email-autoconfirm", "CRM-SB-002", _set(SB + "AuthConfig", "mailer_autoconfirm", True)
    ),
    Mutation("password-min-8", "CRM-SB-003", _set(SB + "AuthConfig", "password_min_length", 8)),
    Mutation("jwt-one-day", "CRM-SB-004", _set(SB + "AuthConfig", "jwt_exp", 86400)),
    Mutation("otp-one-day", "CRM-SB-005", _set(SB + "AuthConfig", "mailer_otp_exp", 86400)),
    Mutation("otp-expiry-unmanaged", "CRM-SB-005", _drop(SB + "AuthConfig", "mailer_otp_exp")),
    Mutation(
        "mfa-enrol-off", "CRM-SB-006", _set(SB + "AuthConfig", "mfa_totp_enroll_enabled", False)
    ),
    Mutation(
        "captcha-off", "CRM-SB-007", _set(SB + "AuthConfig", "security_captcha_enabled", False)
    ),
    Mutation(
        "refresh-rotation-off",
        "CRM-SB-008",
        _set(SB + "AuthConfig", "refresh_token_rotation_enabled", False),
    ),
    # Prod already opens IPv4 under a reviewed exception (policies/exceptions.yaml), which
    # covers db_allowed_cidrs only: IPv6 and an unmanaged allow list still block.
    Mutation(
        "db-open-ipv6",
        "CRM-SB-009",
        _set(SB + "NetworkRestrictions", "db_allowed_cidrs_v6", ["::/0"]),
    ),
    Mutation("db-network-unmanaged", "CRM-SB-009", _drop(SB + "NetworkRestrictions")),
    Mutation("postgrest-unbounded", "CRM-SB-010", _set(SB + "PostgrestConfig", "max_rows", 10**6)),
    Mutation(
        "graphql-exposed",
        "CRM-SB-011",
        _set(SB + "PostgrestConfig", "db_schema", "api,graphql_public"),
    ),
    # Railway and Vercel
    Mutation(
        "api-without-health-check",
        "CRM-RW-001",
        lambda d, o: set_in(
            next(r for r in of_type(d, RW + "ServiceInstance") if "api" in r["name"]),
            "healthcheckPath",
            None,
        ),
    ),
    Mutation(
        "service-key-in-plain-railway-variable",
        "CRM-RW-002",
        lambda d, o: _api_variables(d).update(SUPABASE_SERVICE_ROLE_KEY="[secret]"),
    ),
    Mutation(
        "token-in-plain-railway-variable",
        "CRM-RW-002",
        lambda d, o: _api_variables(d).update(GH_DEPLOY=FAKE_GITHUB_TOKEN),
    ),
    Mutation(
        "kuma-image-by-floating-tag",
        "CRM-RW-003",
        lambda d, o: set_in(named(d, "railway-uptime-kuma"), "image", "louislam/uptime-kuma:2"),
    ),
    Mutation(
        "web-secret-not-sensitive", "CRM-VC-001", _add_web_var("RESEND_API_KEY", "[secret]", False)
    ),
    Mutation(
        "service-role-key-on-web",
        "CRM-VC-002",
        _add_web_var("SUPABASE_SERVICE_ROLE_KEY", "[secret]", True),
    ),
    Mutation(
        "service-role-jwt-on-web",
        "CRM-VC-002",
        _add_web_var("SUPABASE_KEY", FAKE_SERVICE_ROLE_JWT, True),
    ),
    # Observability
    Mutation("web-host-unmonitored", "CRM-OBS-001", _drop_monitor("app.careers.example.edu")),
    Mutation(
        "new-host-unmonitored",
        "CRM-OBS-001",
        lambda d, o: add(
            d,
            "cloudflare:index/dnsRecord:DnsRecord",
            "edge-reports",
            {**named(d, "edge-app")["inputs"], "name": "reports.careers.example.edu"},
        ),
    ),
    Mutation("web-host-without-alert", "CRM-OBS-002", _drop_alerts("app.careers.example.edu")),
    Mutation(
        "policy-to-undeclared-contact", "CRM-OBS-003", _set(OBS_POLICY, "contactPoint", "nobody")
    ),
    Mutation("contact-point-removed", "CRM-OBS-003", _drop(OBS_CONTACT)),
    Mutation(
        "monitor-without-notification",
        "CRM-OBS-003",
        lambda d, o: _monitor(d, "api.careers.example.edu")["inputs"]["spec"].update(
            notification_ids=[]
        ),
    ),
    # GitHub
    Mutation(
        "ruleset-evaluate-only",
        "CRM-GH-001",
        lambda d, o: set_in(_ruleset(d), "enforcement", "evaluate"),
    ),
    Mutation(
        "no-required-review",
        "CRM-GH-002",
        lambda d, o: set_in(_ruleset(d), "rules.pullRequest.requiredApprovingReviewCount", 0),
    ),
    Mutation(
        "no-required-checks",
        "CRM-GH-003",
        lambda d, o: set_in(_ruleset(d), "rules.requiredStatusChecks.requiredChecks", []),
    ),
    Mutation(
        "force-push-allowed",
        "CRM-GH-004",
        lambda d, o: set_in(_ruleset(d), "rules.nonFastForward", False),
    ),
    Mutation(
        "branch-deletion-allowed",
        "CRM-GH-005",
        lambda d, o: _ruleset(d)["inputs"]["rules"].pop("deletion"),
    ),
    Mutation(
        "prod-without-reviewers",
        "CRM-GH-006",
        lambda d, o: set_in(named(d, "platform-repo-prod"), "reviewers", []),
    ),
    Mutation(
        "prod-admin-bypass",
        "CRM-GH-006",
        lambda d, o: set_in(named(d, "platform-repo-prod"), "canAdminsBypass", True),
    ),
    Mutation(
        "secret-as-actions-variable",
        "CRM-GH-007",
        lambda d, o: add(
            d,
            "github:index/actionsVariable:ActionsVariable",
            "deploy-token",
            {
                "repository": "careers-crm-platform",
                "variableName": "DEPLOY_TOKEN",
                "value": FAKE_GITHUB_TOKEN,
            },
        ),
    ),
    # Infisical: secrets live there, consumers get only how to log in
    Mutation(
        "railway-secret-copied-from-config",
        "CRM-INF-002",
        lambda d, o: _api_vars(d)["inputs"]["secret_names"].append("DATABASE_URL"),
    ),
    Mutation(
        "railway-secret-as-plain-variable",
        "CRM-INF-002",
        lambda d, o: set_in(_api_vars(d), "variables.RESEND_API_KEY", "fake-resend-key-0123"),
    ),
    Mutation(
        "vercel-gets-a-secret",
        "CRM-INF-003",
        _add_web_var("RESEND_API_KEY", "fake-resend-key-0123", True),
    ),
    Mutation(
        "infisical-client-secret-in-github",
        "CRM-INF-004",
        lambda d, o: add(
            d,
            "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
            "platform-repo-prod-infisical-client-secret",
            {
                "repository": "careers-crm-platform",
                "environment": "prod",
                "secretName": "INFISICAL_CLIENT_SECRET",
                "value": "[secret]",
            },
        ),
    ),
    Mutation(
        "oidc-any-subject",
        "CRM-INF-005",
        lambda d, o: set_in(of_type(d, INF + "OidcAuth")[0], "subject", ""),
    ),
    Mutation(
        "oidc-any-environment",
        "CRM-INF-005",
        lambda d, o: set_in(of_type(d, INF + "OidcAuth")[0], "claims.environment", "*"),
    ),
    Mutation(
        "rotation-every-120-days",
        "CRM-INF-006",
        lambda d, o: set_in(_rotation_setting(d), "value", "120"),
    ),
    Mutation(
        "rotation-setting-removed",
        "CRM-INF-006",
        lambda d, o: remove(d, _rotation_setting(d)),
    ),
    Mutation(
        "dependabot-security-updates-off",
        "CRM-GH-008",
        _set(
            "github:index/repositoryDependabotSecurityUpdates:RepositoryDependabotSecurityUpdates",
            "enabled",
            False,
        ),
    ),
    Mutation(
        "vulnerability-alerts-off",
        "CRM-GH-008",
        _set("github:index/repository:Repository", "vulnerabilityAlerts", False),
    ),
    # Upstash Redis
    Mutation("redis-without-tls", "CRM-REDIS-001", _set(UPSTASH, "tls", False)),
    Mutation("redis-auto-scales-on-free", "CRM-REDIS-002", _set(UPSTASH, "autoScale", True)),
    Mutation(
        "redis-read-region-on-free", "CRM-REDIS-002", _set(UPSTASH, "readRegions", ["eu-west-1"])
    ),
    Mutation("redis-eviction-undeclared", "CRM-REDIS-002", _drop(UPSTASH, "eviction")),
    Mutation(
        "redis-across-the-ocean", "CRM-REDIS-003", _set(UPSTASH, "primaryRegion", "ap-southeast-2")
    ),
    # Stack-wide
    Mutation(
        "plaintext-token-in-input",
        "CRM-STACK-001",
        lambda d, o: set_in(
            of_type(d, "github:index/repository:Repository")[0], "description", FAKE_GITHUB_TOKEN
        ),
    ),
    Mutation(
        "plaintext-provider-secret",
        "CRM-STACK-001",
        lambda d, o: set_in(named(d, "storage-r2-s3"), "secretKey", "fake-r2-secret-not-real"),
    ),
    Mutation(
        "unknown-provider",
        "CRM-STACK-002",
        lambda d, o: add(
            d, "random:index/randomPassword:RandomPassword", "db-password", {"length": 32}
        ),
    ),
    # Cross-layer seams
    *SEAM_MUTATIONS,
)
