"""Stack-wide rules: no plaintext secrets in any input, no resource of an unknown provider.

Secrets: the offline graph renders every secret input as "[secret]", so any other string that
looks like a credential is plaintext in state. Inside `pulumi preview` the Python analyzer
SDK unwraps secrets before policies see them, so there the rule keeps to what cannot be a
legitimate secret store: known token prefixes outside declared secret fields and dynamic
providers. The offline adapter says which mode applies through the rule config.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pulumi_policy import PolicyResource, StackValidationArgs

from policies import controls as c
from policies.evidence import Evidence
from policies.findings import listing
from policies.graph import REDACTED_GRAPH_FLAG, SECRET_SENTINEL
from policies.model import Rule, Violation
from policies.rules._define import CRITICAL, HIGH, MANDATORY, stack_rule
from policies.rules._props import inspected, walk
from policies.rules.secrets_detect import classify, known_token

RULES: list[Rule] = []

SECRET_KEY = re.compile(
    r"(password|passwd|pass|secret|token|api_?key|private_?key|secret_?key|"
    r"secret_?access_?key|client_?secret|service_?role_?key)$",
    re.IGNORECASE,
)
SKIPPED_KEYS = {"__provider"}  # the dill-pickled dynamic provider, not data
# Inputs that are secret stores by the provider's schema: plaintext there only in the engine.
SECRET_STORE_KEYS = {
    "github:index/actionsSecret:ActionsSecret": {"value", "plaintextValue", "encryptedValue"},
    "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret": {
        "value",
        "plaintextValue",
        "encryptedValue",
    },
    "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable": {"value"},
    "vercel:index/projectEnvironmentVariables:ProjectEnvironmentVariables": {"variables"},
    "pulumi:providers:aws": {"accessKey", "secretKey", "token"},
    "pulumi:providers:cloudflare": {"apiToken", "apiKey"},
    "pulumi:providers:github": {"token"},
    "pulumi:providers:vercel": {"apiToken"},
    "pulumi:providers:grafana": {"auth", "cloudAccessPolicyToken"},
    "pulumi:providers:upstash": {"apiKey"},
}

PROVIDER_PACKAGES = {"cloudflare", "aws", "github", "vercel", "grafana", "upstash"}
DYNAMIC_MODULES = {
    "supabase",
    "railway",
    "uptimekuma",
    "infisical",
    "uptime_kuma",
    "uptime-kuma",
    "vercel",
    "grafana",
    "github",
    "cloudflare",
    "resend",
}
COMPONENT_PACKAGES = {"crm", "careers-crm"}


def _redacted(args: StackValidationArgs) -> bool:
    return bool(args.get_config().get(REDACTED_GRAPH_FLAG))


def _dkim_public_key(resource: PolicyResource) -> bool:
    """A DKIM record publishes the PUBLIC half of the signing key: random-looking, not secret."""
    props = resource.props
    return (
        resource.resource_type == "cloudflare:index/dnsRecord:DnsRecord"
        and props.get("type") == "TXT"
        and "._domainkey." in str(props.get("name", ""))
        and str(props.get("content", "")).lstrip('"').startswith(("p=", "v=DKIM1"))
    )


def _secret_findings(resource: PolicyResource, redacted: bool) -> Iterator[Violation]:
    if _dkim_public_key(resource):
        return
    dynamic = resource.resource_type.startswith("pulumi-python:dynamic/")
    if not redacted and dynamic:
        return
    store = SECRET_STORE_KEYS.get(resource.resource_type, set())
    for path, value in walk(dict(resource.props)):
        top = path.split(".", 1)[0]
        if top in SKIPPED_KEYS or not isinstance(value, str) or not value:
            continue
        if value == SECRET_SENTINEL:
            continue
        if not redacted and top in store:
            continue
        why = classify(value) if redacted else known_token(value)
        leaf = path.rsplit(".", 1)[-1]
        if why is None and redacted and SECRET_KEY.search(leaf) and not leaf.isdigit():
            why = f"secret-named input '{leaf}' holds a plaintext string"
        if why:
            yield Violation(
                f"{resource.name}: {path} holds a plaintext secret ({why})",
                path=path,
                actual="<redacted plaintext>",
                required="pulumi.Output.secret(...) / a secret config value",
                urn=resource.urn,
            )


@stack_rule(
    RULES,
    id="CRM-STACK-001",
    title="No plaintext secret in any input",
    severity=CRITICAL,
    enforcement=MANDATORY,
    controls=[c.ASVS_2_10_4, c.ASVS_6_4_1, c.CIS_3_11, c.SOC2_CC6_1],
    description="A credential passed as a plain input is stored unencrypted in Pulumi "
    "state and shown in previews. Known token prefixes (GitHub, AWS, "
    "Supabase, Stripe, Slack, JWT, private keys, URL credentials), "
    "high-entropy strings and secret-named inputs are flagged.",
    remediation="Read it from secret config (`config.require_secret`) or wrap it in "
    "pulumi.Output.secret(); rotate the credential if it was committed.",
)
def plaintext_secrets(args: StackValidationArgs) -> Iterator[Violation | Evidence]:
    redacted = _redacted(args)
    leaves = 0
    for resource in args.resources:
        inspected(resource)
        leaves += sum(1 for _ in walk(dict(resource.props)))
        yield from _secret_findings(resource, redacted)
    yield Evidence(
        "stack", "input values scanned", f"{leaves} values of {len(args.resources)} resources"
    )


def _package(resource_type: str) -> str:
    return resource_type.split(":", 1)[0]


def _unknown(resource: PolicyResource) -> str | None:
    rtype = resource.resource_type
    if rtype.startswith("pulumi:providers:"):
        pkg = rtype.removeprefix("pulumi:providers:")
        known = pkg in PROVIDER_PACKAGES or pkg == "pulumi-python"  # dynamic providers' host
        return None if known else f"provider package '{pkg}'"
    pkg = _package(rtype)
    if pkg == "pulumi":
        return None
    if pkg == "pulumi-python":
        module = rtype.split(":")[1].removeprefix("dynamic/")
        return None if module in DYNAMIC_MODULES else f"dynamic provider module '{module}'"
    if pkg in PROVIDER_PACKAGES or pkg in COMPONENT_PACKAGES:
        return None
    return f"package '{pkg}'"


@stack_rule(
    RULES,
    id="CRM-STACK-002",
    title="No resource of an unknown provider",
    severity=HIGH,
    enforcement=MANDATORY,
    controls=[c.CIS_2_3, c.SOC2_CC6_8, c.SOC2_CC8_1],
    description="Every provider plugin and dynamic provider runs with our cloud "
    "credentials; only the reviewed ones may appear in the stack.",
    remediation="Use a reviewed provider, or review the new one and add it to "
    "policies/rules/stack.py's allow lists in the same pull request.",
)
def known_providers(args: StackValidationArgs) -> Iterator[Violation | Evidence]:
    packages = sorted({_package(r.resource_type) for r in args.resources})
    yield Evidence("stack", "resource packages", packages)
    for resource in args.resources:
        inspected(resource)
        why = _unknown(resource)
        if why:
            yield Violation(
                f"{resource.name} ({resource.resource_type}) comes from unreviewed {why}",
                path="type",
                actual=resource.resource_type,
                required=f"one of {listing(PROVIDER_PACKAGES | COMPONENT_PACKAGES)} "
                "or a reviewed dynamic module",
                urn=resource.urn,
            )
