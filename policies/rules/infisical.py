"""Infisical rules: secrets live in Infisical, consumers get only how to log in, CI logs in
with OIDC bound to this repository and environment, the database password rotates."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pulumi.runtime.config as runtime_config
from pulumi_policy import ResourceValidationArgs, StackValidationArgs

from policies import controls as c
from policies.graph import SECRET_SENTINEL
from policies.model import Rule, Violation
from policies.rules._define import CRITICAL, HIGH, MANDATORY, resource_rule, stack_rule
from policies.rules._props import get, of_type, walk
from policies.rules.github import SECRET_NAME
from policies.rules.secrets_detect import classify
from policies.settings import STACK_CONFIG_KEY

RULES: list[Rule] = []

INF = "pulumi-python:dynamic/infisical:"
OIDC_AUTH = INF + "OidcAuth"
SECRET = INF + "Secret"
RAILWAY_VARIABLES = "pulumi-python:dynamic/railway:Variables"
VERCEL_VARIABLE = "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable"
GITHUB_SECRETS = (
    "github:index/actionsSecret:ActionsSecret",
    "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
    "github:index/actionsOrganizationSecret:ActionsOrganizationSecret",
)
GITHUB_ISSUER = "https://token.actions.githubusercontent.com"
# The only secrets a Railway service holds: how to log in to Infisical (stacks/secrets.py).
BOOTSTRAP = frozenset({"INFISICAL_CLIENT_ID", "INFISICAL_CLIENT_SECRET"})
# Values public by design that browsers receive anyway (the Supabase anon/publishable key).
PUBLIC_BY_DESIGN = frozenset({"SUPABASE_ANON_KEY", "SUPABASE_PUBLISHABLE_KEY"})
ROTATION_SETTING = "DB_PASSWORD_ROTATION_DAYS"
MAX_ROTATION_DAYS = 90
_CONFIG_SECRET_NAME = re.compile(
    r"(token|secret|password|passwd|apikey|api_key|privatekey|credential|dsn|databaseurl)$",
    re.IGNORECASE,
)


def _stack_config(args: StackValidationArgs) -> Mapping[str, Any]:
    """Offline: the stack file's `config:` block. Inside the engine: PULUMI_CONFIG, which
    holds secret values decrypted, so the keys the engine lists as secret are left out."""
    block = args.get_config().get(STACK_CONFIG_KEY)
    if isinstance(block, Mapping):
        return block
    try:
        secret_keys = set(runtime_config.get_config_secret_keys_env())
        engine = dict(runtime_config.get_config_env())
    except Exception:  # outside the engine there is no config to read
        return {}
    return {k: v for k, v in engine.items() if k not in secret_keys}


@stack_rule(
    RULES,
    id="CRM-INF-001",
    title="No plaintext secret in the stack config",
    severity=CRITICAL,
    enforcement=MANDATORY,
    controls=[c.ASVS_2_10_4, c.ASVS_6_4_1, c.SOC2_CC6_1],
    description="Pulumi.<stack>.yaml is committed: a plain value there is a secret in the "
    "repository. Values Pulumi needs are `secure:` (encrypted); secrets only people "
    "make belong in Infisical, not in the stack config at all.",
    remediation="`pulumi config set --secret <key>`, or delete the key and enter the value "
    "into Infisical (docs/runbooks.md#secrets).",
)
def no_plaintext_config(args: StackValidationArgs) -> Iterator[Violation]:
    for key, value in sorted(_stack_config(args).items()):
        if isinstance(value, Mapping) and "secure" in value:
            continue  # encrypted by Pulumi
        name = str(key).rsplit(":", 1)[-1].rsplit(".", 1)[-1]
        for path, leaf in walk(value, str(key)):
            if not isinstance(leaf, str) or not leaf:
                continue
            why = classify(leaf) or (
                "secret-named key" if _CONFIG_SECRET_NAME.search(name) else None
            )
            if why:
                yield Violation(
                    f"stack config {path} holds a plaintext secret ({why})",
                    path=str(path),
                    actual="<redacted plaintext>",
                    required="secure: value or an Infisical secret",
                )


@resource_rule(
    RULES,
    id="CRM-INF-002",
    title="Railway services get secrets only from Infisical",
    severity=CRITICAL,
    enforcement=MANDATORY,
    types=[RAILWAY_VARIABLES],
    controls=[c.ASVS_6_4_1, c.ASVS_2_10_4, c.SOC2_CC6_1],
    description="A secret copied into a Railway variable is a second copy that rotation "
    "misses. Services hold only their Infisical login (INFISICAL_CLIENT_ID/SECRET) and "
    "fetch everything else from their folder at start (app/secrets.py).",
    remediation="Write the value into the service's Infisical folder (Pulumi: "
    "stacks/secrets.py; person-made: by hand) and drop the Railway variable.",
)
def railway_from_infisical(args: ResourceValidationArgs) -> Iterator[Violation]:
    names = get(args.props, "secret_names")
    if not isinstance(names, Sequence) or isinstance(names, str):  # the engine hands tuples
        yield Violation(
            f"{args.name}: the names of its secret variables are not visible",
            path="secret_names",
            actual=names,
            required="a list of names (infra/railway/resources.py)",
        )
        names = []
    for name in sorted(str(n) for n in names if str(n) not in BOOTSTRAP):
        yield Violation(
            f"{args.name}: secret variable {name} is a copy; it belongs in Infisical",
            path=f"secret_variables.{name}",
            actual=name,
            required=f"only {', '.join(sorted(BOOTSTRAP))}",
        )
    for key, value in sorted((get(args.props, "variables") or {}).items()):
        why = classify(value) if isinstance(value, str) else None
        if SECRET_NAME.search(str(key)) or why:
            yield Violation(
                f"{args.name}: variable {key} looks secret; it belongs in Infisical",
                path=f"variables.{key}",
                actual="<redacted>",
                required="an Infisical secret in the service's folder",
            )


@resource_rule(
    RULES,
    id="CRM-INF-003",
    title="Vercel's build gets only public values",
    severity=CRITICAL,
    enforcement=MANDATORY,
    types=[VERCEL_VARIABLE],
    controls=[c.ASVS_2_10_4, c.ASVS_6_4_1, c.SOC2_CC6_3],
    description="Everything the static web front builds with ends up in the browser. "
    "Only values public by design (the API URL, the Supabase URL and anon key) go to "
    "Vercel; anything secret stays in Infisical, read by the API.",
    remediation="Remove the variable; serve what needs the secret from the API.",
)
def vercel_public_only(args: ResourceValidationArgs) -> Iterator[Violation]:
    key = str(get(args.props, "key", ""))
    value = get(args.props, "value")
    if key in PUBLIC_BY_DESIGN:
        return
    why = classify(value) if isinstance(value, str) and value != SECRET_SENTINEL else None
    if SECRET_NAME.search(key) or why or get(args.props, "sensitive") is True:
        yield Violation(
            f"web variable {key} is not public by design" + (f" ({why})" if why else ""),
            path="key",
            actual=key,
            required=f"a public value ({', '.join(sorted(PUBLIC_BY_DESIGN))} at most)",
        )


@resource_rule(
    RULES,
    id="CRM-INF-004",
    title="No secret stored in GitHub",
    severity=CRITICAL,
    enforcement=MANDATORY,
    types=GITHUB_SECRETS,
    controls=[c.ASVS_6_4_1, c.ASVS_2_10_4, c.SOC2_CC6_1],
    description="Workflows log in to Infisical with the job's OIDC token and read their "
    "folder; a GitHub secret is a long-lived copy (an Infisical token or client secret "
    "there would be a standing key to every secret its identity reads).",
    remediation="Put the value in the environment's Infisical folder (/ci, /backups, "
    "/rotation) and read it after the OIDC login step (app/secrets_ci.py).",
)
def no_github_secrets(args: ResourceValidationArgs) -> Iterator[Violation]:
    name = str(get(args.props, "secretName", ""))
    infisical = bool(re.search(r"INFISICAL|CLIENT_SECRET", name, re.IGNORECASE))
    yield Violation(
        f"GitHub secret {name} "
        + ("is a long-lived Infisical credential" if infisical else "copies a secret"),
        path="secretName",
        actual=name,
        required="no GitHub secret: OIDC login to Infisical",
    )


@resource_rule(
    RULES,
    id="CRM-INF-005",
    title="OIDC identities are bound to this repository and one environment",
    severity=CRITICAL,
    enforcement=MANDATORY,
    types=[OIDC_AUTH],
    controls=[c.CIS_6_8, c.SOC2_CC6_3, c.SOC2_CC6_1],
    description="Without a bound subject and claims any workflow of any repository (or "
    "any branch, without the environment) could log in as the identity.",
    remediation="Bind subject repo:<owner>/<repo>:environment:<env>, claims repository and "
    "environment, issuer token.actions.githubusercontent.com and an audience.",
)
def oidc_bound(args: ResourceValidationArgs) -> Iterator[Violation]:
    claims = get(args.props, "claims") or {}
    repository = str(claims.get("repository", "")) if isinstance(claims, Mapping) else ""
    environment = str(claims.get("environment", "")) if isinstance(claims, Mapping) else ""
    subject = str(get(args.props, "subject", ""))
    if not repository or "*" in repository or not environment or "*" in environment:
        yield Violation(
            f"{args.name}: claims must name one repository and one environment",
            path="claims",
            actual=claims,
            required={"repository": "<owner>/<repo>", "environment": "<env>"},
        )
    wanted = f"repo:{repository}:environment:{environment}"
    if subject != wanted:
        yield Violation(
            f"{args.name}: subject is not bound to repository and environment",
            path="subject",
            actual=subject,
            required=wanted,
        )
    if get(args.props, "issuer") != GITHUB_ISSUER:
        yield Violation(
            f"{args.name}: issuer is not GitHub Actions",
            path="issuer",
            actual=get(args.props, "issuer"),
            required=GITHUB_ISSUER,
        )
    if not str(get(args.props, "audiences", "")).strip():
        yield Violation(
            f"{args.name}: no audience is bound",
            path="audiences",
            actual="",
            required="https://github.com/<owner>",
        )


@stack_rule(
    RULES,
    id="CRM-INF-006",
    title="The database password rotates at least every 90 days",
    severity=HIGH,
    enforcement=MANDATORY,
    controls=[c.ASVS_6_4_1, c.SOC2_CC6_1],
    description="The rotation job (python -m app.rotate_db_password) rotates when the "
    "password is older than DB_PASSWORD_ROTATION_DAYS, which Pulumi writes to "
    "Infisical prod:/rotation; missing or over 90 days means a password that can stay "
    "valid for too long after a leak.",
    remediation="Set careers-crm:infisical.dbPasswordRotationDays to 90 or less.",
)
def rotation_interval(args: StackValidationArgs) -> Iterator[Violation]:
    settings = [
        r
        for r in of_type(args, SECRET)
        if get(r.props, "name") == ROTATION_SETTING and get(r.props, "path") == "/rotation"
    ]
    if not settings:
        yield Violation(
            f"no {ROTATION_SETTING} setting in Infisical prod:/rotation: nothing rotates",
            path=ROTATION_SETTING,
            actual=None,
            required=f"<= {MAX_ROTATION_DAYS}",
        )
    for resource in settings:
        value = get(resource.props, "value")
        days = int(value) if isinstance(value, str) and value.isdigit() else None
        if days is None or not 1 <= days <= MAX_ROTATION_DAYS:
            yield Violation(
                f"{ROTATION_SETTING} is {value!r}",
                path="value",
                actual=value,
                required=f"a whole number of days, 1..{MAX_ROTATION_DAYS}, in plain text",
                urn=resource.urn,
            )
