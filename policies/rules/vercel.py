"""Vercel rules: the web front's variables are readable by every browser, so anything secret
is marked sensitive and the Supabase service role key never gets there.

Vercel serves the static front with no health check setting of its own; its availability is
watched by the uptime monitor on its hostname (CRM-OBS-001)."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from typing import Any

from pulumi_policy import ResourceValidationArgs

from policies import controls as c
from policies.graph import SECRET_SENTINEL
from policies.model import Rule, Violation
from policies.rules._define import CRITICAL, HIGH, MANDATORY, resource_rule
from policies.rules._props import get, truthy
from policies.rules.secrets_detect import classify

RULES: list[Rule] = []

ENV_VAR = "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable"
SECRET_KEY = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD|PRIVATE|CREDENTIAL|DSN)", re.IGNORECASE)
SERVICE_ROLE_KEY = re.compile(r"SERVICE_ROLE|SERVICE_KEY|SUPABASE_SECRET", re.IGNORECASE)


def _jwt_role(value: str) -> str | None:
    parts = value.split(".")
    if len(parts) != 3 or not parts[0].startswith("eyJ"):
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, json.JSONDecodeError):
        return None
    role = payload.get("role") if isinstance(payload, dict) else None
    return role if isinstance(role, str) else None


@resource_rule(
    RULES,
    id="CRM-VC-001",
    title="Secret web variables are marked sensitive",
    severity=HIGH,
    enforcement=MANDATORY,
    types=[ENV_VAR],
    controls=[c.ASVS_2_10_4, c.ASVS_6_4_1, c.SOC2_CC6_1],
    description="A sensitive Vercel variable is write-only in Vercel's UI and API; "
    "anything key-, token- or secret-like must be sensitive and passed "
    "as a Pulumi secret.",
    remediation="Set sensitive=True and pass the value with pulumi.Output.secret().",
)
def sensitive(args: ResourceValidationArgs) -> Iterator[Violation]:
    key = str(get(args.props, "key", ""))
    value = get(args.props, "value")
    why = classify(value) if isinstance(value, str) and value != SECRET_SENTINEL else None
    if (SECRET_KEY.search(key) or why) and not truthy(get(args.props, "sensitive")):
        yield Violation(
            f"web variable {key} looks secret but is not sensitive",
            path="sensitive",
            actual=get(args.props, "sensitive"),
            required=True,
        )
    if why:
        yield Violation(
            f"web variable {key} carries a plaintext secret ({why})",
            path="value",
            actual="<redacted plaintext>",
            required="pulumi.Output.secret(...)",
        )


@resource_rule(
    RULES,
    id="CRM-VC-002",
    title="The service role key never reaches the web front",
    severity=CRITICAL,
    enforcement=MANDATORY,
    types=[ENV_VAR],
    controls=[c.ASVS_2_10_4, c.CIS_6_8, c.SOC2_CC6_3],
    description="Supabase's service role key bypasses row level security; every "
    "web front variable can end up in the browser bundle.",
    remediation="Keep the service role key on Railway (API) only; the web front uses the anon key.",
)
def no_service_role(args: ResourceValidationArgs) -> Iterator[Violation]:
    key = str(get(args.props, "key", ""))
    value: Any = get(args.props, "value")
    if SERVICE_ROLE_KEY.search(key):
        yield Violation(
            f"web variable {key} is named like the service role key",
            path="key",
            actual=key,
            required="no service role key on the web front",
        )
    elif isinstance(value, str) and (
        _jwt_role(value) == "service_role" or value.startswith("sb_secret_")
    ):
        yield Violation(
            f"web variable {key} holds a Supabase service role / secret key",
            path="value",
            actual="<redacted>",
            required="the anon (publishable) key only",
        )
