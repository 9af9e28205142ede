"""Supabase rules over the dynamic settings resources (inputs are the Management API's own
field names). Checked per project at stack level: a settings resource that disappears leaves
the project on Supabase's defaults, which is caught like a weakened value."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterator
from typing import Any

from pulumi_policy import PolicyResource, StackValidationArgs

from infra.baseline import PASSWORD_MIN_LENGTH, TOKEN_MAX_SECONDS
from policies import controls as c
from policies.findings import show
from policies.model import Rule, Violation
from policies.rules._define import CRITICAL, HIGH, MANDATORY, MEDIUM, stack_rule
from policies.rules._props import as_list, get, number, of_type, truthy
from policies.settings import schema, setting

RULES: list[Rule] = []

PREFIX = "pulumi-python:dynamic/supabase:"
AUTH = PREFIX + "AuthConfig"
SSL = PREFIX + "SslEnforcement"
NETWORK = PREFIX + "NetworkRestrictions"
POSTGREST = PREFIX + "PostgrestConfig"
KINDS = (AUTH, SSL, NETWORK, POSTGREST, PREFIX + "PostgresConfig")
MAX_TOKEN_SECONDS = TOKEN_MAX_SECONDS


def _projects(args: StackValidationArgs) -> list[str]:
    refs = {str(get(r.props, "project_ref")) for r in of_type(args, *KINDS)}
    return sorted(refs)


def _field_rule(
    kind: str, field: str, ok: Callable[[Any], bool], required: Any, what: str
) -> Callable[[StackValidationArgs], Iterator[Violation]]:
    def check(args: StackValidationArgs) -> Iterator[Violation]:
        for ref in _projects(args):
            found: list[PolicyResource] = [
                r for r in of_type(args, kind) if get(r.props, "project_ref") == ref
            ]
            if not found:
                yield Violation(
                    f"project {ref} has no {kind.rsplit(':', 1)[-1]} resource, so {what} is "
                    "left to Supabase's default",
                    path=kind.rsplit(":", 1)[-1],
                    actual="absent",
                    required=required,
                )
            for resource in found:
                value = get(resource.props, field)
                if value is None or not ok(value):
                    yield Violation(
                        f"{what}: {field} is {show(value)}",
                        path=field,
                        actual=value,
                        required=required,
                        urn=resource.urn,
                    )

    return check


def _at_most(limit: float) -> Callable[[Any], bool]:
    return lambda v: (n := number(v)) is not None and 0 < n <= limit


def _at_least(limit: float) -> Callable[[Any], bool]:
    return lambda v: (n := number(v)) is not None and n >= limit


def _is(expected: bool) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, bool | str) and truthy(v) is expected


def _define(
    rule_id: str,
    title: str,
    severity: Any,
    controls: list[c.Control],
    description: str,
    remediation: str,
    kind: str,
    field: str,
    ok: Callable[[Any], bool],
    required: Any,
) -> None:
    check = _field_rule(kind, field, ok, required, title)
    stack_rule(
        RULES,
        id=rule_id,
        title=title,
        severity=severity,
        enforcement=MANDATORY,
        controls=controls,
        description=description,
        remediation=remediation,
    )(check)


_define(
    "CRM-SB-001",
    "Database connections require TLS",
    CRITICAL,
    [c.ASVS_9_2_2, c.CIS_3_10, c.SOC2_CC6_7],
    "Supabase SSL enforcement rejects non-TLS connections to Postgres.",
    "Keep SslEnforcement(database=True).",
    SSL,
    "database",
    _is(True),
    True,
)
_define(
    "CRM-SB-002",
    "Sign-ups confirm their email address",
    HIGH,
    [c.ASVS_2_2_1, c.SOC2_CC6_1],
    "Without confirmation anyone can register with someone else's address.",
    "Set mailer_autoconfirm=false (email_confirmation_required=True).",
    AUTH,
    "mailer_autoconfirm",
    _is(False),
    False,
)
_define(
    "CRM-SB-003",
    "Passwords have at least 12 characters",
    HIGH,
    [c.ASVS_2_1_1, c.SOC2_CC6_1],
    f"ASVS V2.1.1: user-set passwords are at least {PASSWORD_MIN_LENGTH} characters long.",
    f"Set password_min_length >= {PASSWORD_MIN_LENGTH}.",
    AUTH,
    "password_min_length",
    _at_least(PASSWORD_MIN_LENGTH),
    f">= {PASSWORD_MIN_LENGTH}",
)
_define(
    "CRM-SB-004",
    "Access tokens expire within an hour",
    HIGH,
    [c.ASVS_3_3_2, c.SOC2_CC6_1],
    "A stolen JWT is usable until it expires; refresh tokens renew sessions.",
    "Set jwt_exp <= 3600 s.",
    AUTH,
    "jwt_exp",
    _at_most(MAX_TOKEN_SECONDS),
    "<= 3600",
)
_define(
    "CRM-SB-005",
    "Email OTPs and magic links expire within an hour",
    MEDIUM,
    [c.ASVS_2_7_2, c.SOC2_CC6_1],
    "Supabase's production checklist: OTP expiry at most 3600 s.",
    "Set mailer_otp_exp <= 3600 s.",
    AUTH,
    "mailer_otp_exp",
    _at_most(MAX_TOKEN_SECONDS),
    "<= 3600",
)
_define(
    "CRM-SB-007",
    "CAPTCHA protects sign-up and sign-in",
    HIGH,
    [c.ASVS_2_2_1, c.ASVS_11_1_4, c.SOC2_CC6_6],
    "CAPTCHA on the auth endpoints stops scripted sign-ups and credential stuffing.",
    "Set security_captcha_enabled=true with a provider and secret.",
    AUTH,
    "security_captcha_enabled",
    _is(True),
    True,
)
_define(
    "CRM-SB-008",
    "Refresh tokens rotate",
    HIGH,
    [c.ASVS_3_3_2, c.SOC2_CC6_1],
    "A rotated refresh token cannot be replayed after its first use.",
    "Set refresh_token_rotation_enabled=true.",
    AUTH,
    "refresh_token_rotation_enabled",
    _is(True),
    True,
)


def _mfa(args: StackValidationArgs) -> Iterator[Violation]:
    for key in ("mfa_totp_enroll_enabled", "mfa_totp_verify_enabled"):
        yield from _field_rule(AUTH, key, _is(True), True, "MFA (TOTP) is enabled")(args)


stack_rule(
    RULES,
    id="CRM-SB-006",
    title="Multi-factor authentication is available",
    severity=HIGH,
    enforcement=MANDATORY,
    controls=[c.CIS_6_3, c.SOC2_CC6_1],
    description="Users (advisors first) can enrol and verify a TOTP second factor.",
    remediation="Set mfa_totp_enroll_enabled and mfa_totp_verify_enabled to true.",
)(_mfa)


def _open(cidr: Any) -> bool:
    try:
        return ipaddress.ip_network(str(cidr), strict=False).prefixlen == 0
    except ValueError:
        return False


@stack_rule(
    RULES,
    id="CRM-SB-009",
    title="Database network access is restricted",
    severity=CRITICAL,
    enforcement=MANDATORY,
    controls=[c.CIS_4_4, c.SOC2_CC6_6],
    description="The Postgres allow list must never be open to the whole internet "
    "(0.0.0.0/0 or ::/0): only the API's egress and operators' networks.",
    remediation="List the Railway egress and operator CIDRs in "
    "careers-crm:supabase.allowedCidrs / allowedCidrsV6.",
)
def network_restricted(args: StackValidationArgs) -> Iterator[Violation]:
    for ref in _projects(args):
        found = [r for r in of_type(args, NETWORK) if get(r.props, "project_ref") == ref]
        if not found:
            yield Violation(
                f"project {ref} manages no network restrictions (Supabase's "
                "default allows every address)",
                path="NetworkRestrictions",
                actual="absent",
                required="an allow list without /0",
            )
        for resource in found:
            for key in ("db_allowed_cidrs", "db_allowed_cidrs_v6"):
                cidrs = as_list(get(resource.props, key))
                opened = [x for x in cidrs if _open(x)]
                if opened:
                    yield Violation(
                        f"{key} opens the database to every address",
                        path=key,
                        actual=cidrs,
                        required="no 0.0.0.0/0 or ::/0",
                        urn=resource.urn,
                    )


@stack_rule(
    RULES,
    id="CRM-SB-010",
    title="PostgREST responses are bounded",
    severity=MEDIUM,
    enforcement=MANDATORY,
    controls=[c.ASVS_11_1_4, c.SOC2_CC6_1],
    description="max_rows caps every Data API response, so one request cannot dump a table.",
    remediation="Set PostgrestConfig max_rows to at most the configured bound.",
    config=schema("postgrestMaxRows"),
)
def postgrest_bounded(args: StackValidationArgs) -> Iterator[Violation]:
    bound = float(setting(args.get_config(), "postgrestMaxRows"))
    yield from _field_rule(
        POSTGREST, "max_rows", _at_most(bound), f"1..{bound:.0f}", "PostgREST max_rows is bounded"
    )(args)


_GRAPHQL_SCHEMAS = frozenset({"graphql", "graphql_public"})


def _no_graphql(value: Any) -> bool:
    return isinstance(value, str) and not {s.strip() for s in value.split(",")} & _GRAPHQL_SCHEMAS


_define(
    "CRM-SB-011",
    "The Data API does not serve GraphQL",
    MEDIUM,
    [c.CIS_4_1, c.SOC2_CC6_1],
    "The app does not use GraphQL. Supabase answers /graphql/v1 by calling "
    "graphql_public.graphql through the Data API, and pg_graphql introspection lists every "
    "table and column a signed-in user can read. Migration 20261130120000 drops pg_graphql; "
    "keeping graphql_public out of the exposed schemas keeps the endpoint off if it returns.",
    "Remove graphql_public (and graphql) from careers-crm:supabase.exposedSchemas.",
    POSTGREST,
    "db_schema",
    _no_graphql,
    "no graphql_public/graphql in db_schema",
)
