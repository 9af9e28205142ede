"""Railway rules: health checks gate deploys; credentials travel only as secret variables."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pulumi_policy import ResourceValidationArgs

from policies import controls as c
from policies.graph import REDACTED_GRAPH_FLAG, SECRET_SENTINEL
from policies.model import Rule, Violation
from policies.rules._define import CRITICAL, HIGH, MANDATORY, resource_rule
from policies.rules._props import get
from policies.rules.github import SECRET_NAME
from policies.rules.secrets_detect import classify

RULES: list[Rule] = []

SERVICE = "pulumi-python:dynamic/railway:Service"
SERVICE_INSTANCE = "pulumi-python:dynamic/railway:ServiceInstance"
PINNED_IMAGE = re.compile(r"@sha256:[0-9a-f]{64}$")
VARIABLES = "pulumi-python:dynamic/railway:Variables"


@resource_rule(
    RULES,
    id="CRM-RW-001",
    title="Railway services have a health check",
    severity=HIGH,
    enforcement=MANDATORY,
    types=[SERVICE_INSTANCE],
    controls=[c.SOC2_A1_2, c.SOC2_CC7_2],
    description="Railway only switches traffic to a deploy whose health check "
    "answers; without one a broken release takes the API down.",
    remediation="Set InstanceSettings.healthcheck_path (the API uses /readyz).",
)
def health_check(args: ResourceValidationArgs) -> Iterator[Violation]:
    path = get(args.props, "healthcheckPath")
    if not (isinstance(path, str) and path.startswith("/")):
        yield Violation(
            f"service instance {args.name} has no health check path",
            path="healthcheckPath",
            actual=path,
            required="a path such as /readyz",
        )


@resource_rule(
    RULES,
    id="CRM-RW-002",
    title="Railway credentials are secret variables",
    severity=CRITICAL,
    enforcement=MANDATORY,
    types=[VARIABLES],
    controls=[c.ASVS_2_10_4, c.ASVS_6_4_1, c.SOC2_CC6_1],
    description="Plain `variables` are stored unencrypted in Pulumi state and shown "
    "in previews; credentials go in `secret_variables`, a Pulumi secret.",
    remediation="Move the value to secret_variables (from secret config).",
)
def secret_variables(args: ResourceValidationArgs) -> Iterator[Violation]:
    plain = get(args.props, "variables") or {}
    for key in sorted(plain):
        value = plain[key]
        why = classify(value) if isinstance(value, str) else None
        if SECRET_NAME.search(key) or why:
            yield Violation(
                f"variable {key} is a credential passed in plain `variables`"
                + (f" ({why})" if why else ""),
                path=f"variables.{key}",
                actual="<redacted plaintext>",
                required="secret_variables",
            )
    offline = bool(args.get_config().get(REDACTED_GRAPH_FLAG))
    secret = get(args.props, "secret_variables")
    if offline and secret not in (None, SECRET_SENTINEL) and secret != {}:
        yield Violation(
            "secret_variables is not a Pulumi secret",
            path="secret_variables",
            actual="<redacted plaintext>",
            required="pulumi.Output.secret(...)",
        )


@resource_rule(
    RULES,
    id="CRM-RW-003",
    title="Railway services that run an image pin it by digest",
    severity=HIGH,
    enforcement=MANDATORY,
    types=[SERVICE],
    controls=[c.ASVS_14_2_4, c.CIS_2_3, c.CIS_16_4, c.SOC2_CC6_8],
    description="A tag such as `uptime-kuma:2` moves: a restart pulls whatever was pushed "
    "under it, unreviewed. A digest is what Dependabot bumps and a reviewer approves.",
    remediation="Use repository:tag@sha256:<digest> (for Uptime Kuma, edit "
    "infra/uptime_kuma/image/Dockerfile, which Dependabot keeps current).",
)
def image_pinned(args: ResourceValidationArgs) -> Iterator[Violation]:
    image = get(args.props, "image")
    if image is not None and not (isinstance(image, str) and PINNED_IMAGE.search(image)):
        yield Violation(
            f"service {args.name} runs image {image} by tag, not by digest",
            path="image",
            actual=image,
            required="repository:tag@sha256:<64 hex digits>",
        )
