"""GitHub rules: the default branch ruleset, the prod environment and where secrets live."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pulumi_policy import PolicyResource, ResourceValidationArgs, StackValidationArgs

from policies import controls as c
from policies.model import Rule, Violation
from policies.rules._define import CRITICAL, HIGH, MANDATORY, resource_rule, stack_rule
from policies.rules._props import as_list, get, number, of_type
from policies.rules.secrets_detect import classify

RULES: list[Rule] = []

REPOSITORY = "github:index/repository:Repository"
SECURITY_UPDATES = (
    "github:index/repositoryDependabotSecurityUpdates:RepositoryDependabotSecurityUpdates"
)
RULESET = "github:index/repositoryRuleset:RepositoryRuleset"
ENVIRONMENT = "github:index/repositoryEnvironment:RepositoryEnvironment"
VARIABLE_TYPES = (
    "github:index/actionsVariable:ActionsVariable",
    "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable",
    "github:index/actionsOrganizationVariable:ActionsOrganizationVariable",
)
PROD = "prod"
SECRET_NAME = re.compile(
    r"(TOKEN|SECRET|PASSWORD|PASSWD|PRIVATE|CREDENTIAL|API_?KEY|"
    r"ACCESS_?KEY|SERVICE_ROLE|DSN|DATABASE_URL)",
    re.IGNORECASE,
)


def _default_branch_rulesets(args: StackValidationArgs) -> list[PolicyResource]:
    return [
        r
        for r in of_type(args, RULESET)
        if get(r.props, "target") == "branch"
        and "~DEFAULT_BRANCH" in as_list(get(r.props, "conditions.refName.includes"))
    ]


def _ruleset_check(
    args: StackValidationArgs, what: str, path: str, ok: Any, required: Any
) -> Iterator[Violation]:
    rulesets = [
        r for r in _default_branch_rulesets(args) if get(r.props, "enforcement") == "active"
    ]
    if not rulesets:
        yield Violation(
            "no active ruleset targets the default branch",
            path="enforcement",
            actual=[get(r.props, "enforcement") for r in _default_branch_rulesets(args)],
            required="active ruleset including ~DEFAULT_BRANCH",
        )
        return
    if not any(ok(get(r.props, path)) for r in rulesets):
        yield Violation(
            f"the default branch ruleset does not {what}",
            path=path,
            actual=get(rulesets[0].props, path),
            required=required,
            urn=rulesets[0].urn,
        )


@stack_rule(
    RULES,
    id="CRM-GH-001",
    title="An active ruleset guards the default branch",
    severity=CRITICAL,
    enforcement=MANDATORY,
    controls=[c.CIS_16_1, c.SOC2_CC8_1],
    description="Without an active ruleset every protection below is void.",
    remediation="Keep the RepositoryRuleset on ~DEFAULT_BRANCH with enforcement "
    "'active' (not 'evaluate' or 'disabled').",
)
def ruleset_active(args: StackValidationArgs) -> Iterator[Violation]:
    return _ruleset_check(args, "exist", "enforcement", lambda v: v == "active", "active")


@stack_rule(
    RULES,
    id="CRM-GH-002",
    title="Changes need an approving review",
    severity=HIGH,
    enforcement=MANDATORY,
    controls=[c.CIS_16_1, c.SOC2_CC8_1, c.SOC2_CC6_3],
    description="Every change to the default branch is reviewed and approved by "
    "someone other than its author.",
    remediation="Set rules.pull_request.required_approving_review_count >= 1.",
)
def required_review(args: StackValidationArgs) -> Iterator[Violation]:
    return _ruleset_check(
        args,
        "require an approving review",
        "rules.pullRequest.requiredApprovingReviewCount",
        lambda v: (number(v) or 0) >= 1,
        ">= 1",
    )


@stack_rule(
    RULES,
    id="CRM-GH-003",
    title="Changes need passing status checks",
    severity=HIGH,
    enforcement=MANDATORY,
    controls=[c.CIS_16_1, c.SOC2_CC8_1],
    description="Tests and the policy preview must pass before a merge.",
    remediation="List the CI jobs in rules.required_status_checks.required_checks.",
)
def required_checks(args: StackValidationArgs) -> Iterator[Violation]:
    return _ruleset_check(
        args,
        "require status checks",
        "rules.requiredStatusChecks.requiredChecks",
        lambda v: len(as_list(v)) >= 1,
        "at least one required check",
    )


@stack_rule(
    RULES,
    id="CRM-GH-004",
    title="Force pushes are blocked",
    severity=HIGH,
    enforcement=MANDATORY,
    controls=[c.CIS_16_1, c.SOC2_CC8_1],
    description="History that was reviewed must not be rewritten.",
    remediation="Set rules.non_fast_forward = true.",
)
def no_force_push(args: StackValidationArgs) -> Iterator[Violation]:
    return _ruleset_check(
        args, "block force pushes", "rules.nonFastForward", lambda v: v is True, True
    )


@stack_rule(
    RULES,
    id="CRM-GH-005",
    title="The default branch cannot be deleted",
    severity=HIGH,
    enforcement=MANDATORY,
    controls=[c.CIS_16_1, c.SOC2_CC8_1],
    description="Deleting the default branch would drop the reviewed history.",
    remediation="Set rules.deletion = true (the rule restricts deletion).",
)
def no_deletion(args: StackValidationArgs) -> Iterator[Violation]:
    return _ruleset_check(args, "restrict deletion", "rules.deletion", lambda v: v is True, True)


def _reviewers(props: Any) -> list[Any]:
    found: list[Any] = []
    for entry in as_list(get(props, "reviewers")):
        found += as_list(get(entry, "users")) + as_list(get(entry, "teams"))
    return found


@stack_rule(
    RULES,
    id="CRM-GH-006",
    title="The prod environment requires a reviewer",
    severity=CRITICAL,
    enforcement=MANDATORY,
    controls=[c.SOC2_CC8_1, c.SOC2_CC6_3, c.CIS_6_8],
    description="A deployment to prod waits for a named reviewer's approval; admins "
    "cannot bypass it.",
    remediation="Declare the 'prod' RepositoryEnvironment with reviewers (users or "
    "teams) and can_admins_bypass=false.",
)
def prod_reviewers(args: StackValidationArgs) -> Iterator[Violation]:
    envs = [r for r in of_type(args, ENVIRONMENT) if get(r.props, "environment") == PROD]
    if not envs:
        yield Violation(
            "no 'prod' environment is declared", path="environment", actual="absent", required=PROD
        )
    for env in envs:
        if not _reviewers(env.props):
            yield Violation(
                "the prod environment has no required reviewers",
                path="reviewers",
                actual=get(env.props, "reviewers"),
                required="at least one user or team",
                urn=env.urn,
            )
        if get(env.props, "canAdminsBypass") is not False:
            yield Violation(
                "admins can bypass the prod environment's protection",
                path="canAdminsBypass",
                actual=get(env.props, "canAdminsBypass"),
                required=False,
                urn=env.urn,
            )


@resource_rule(
    RULES,
    id="CRM-GH-007",
    title="Secrets reach Actions only as Actions secrets",
    severity=HIGH,
    enforcement=MANDATORY,
    types=VARIABLE_TYPES,
    controls=[c.ASVS_2_10_4, c.ASVS_6_4_1, c.SOC2_CC6_1],
    description="Actions variables are plaintext, shown in logs and to every "
    "collaborator; credentials go in ActionsSecret / "
    "ActionsEnvironmentSecret resources.",
    remediation="Move the value to github.ActionsSecret or ActionsEnvironmentSecret.",
)
def secrets_as_secrets(args: ResourceValidationArgs) -> Iterator[Violation]:
    name = str(get(args.props, "variableName", ""))
    value = get(args.props, "value")
    why = classify(value) if isinstance(value, str) else None
    if SECRET_NAME.search(name) or why:
        yield Violation(
            f"Actions variable {name} carries a secret" + (f" ({why})" if why else ""),
            path="value",
            actual="<redacted>",
            required="an ActionsSecret resource",
        )


@stack_rule(
    RULES,
    id="CRM-GH-008",
    title="Dependabot security updates are on",
    severity=HIGH,
    enforcement=MANDATORY,
    controls=[c.CIS_16_4, c.SOC2_CC7_2, c.SOC2_CC8_1],
    description="Version updates (.github/dependabot.yml) wait for their weekly slot; security "
    "updates open a pull request as soon as an advisory names a dependency we use. They "
    "need the repository's vulnerability alerts.",
    remediation="Declare github.RepositoryDependabotSecurityUpdates(enabled=True) for the "
    "repository and keep vulnerability_alerts=True on it.",
)
def dependabot_security_updates(args: StackValidationArgs) -> Iterator[Violation]:
    updates = {
        str(get(r.props, "repository")): r
        for r in of_type(args, SECURITY_UPDATES)
        if get(r.props, "enabled") is True
    }
    for repo in of_type(args, REPOSITORY):
        name = str(get(repo.props, "name"))
        if get(repo.props, "vulnerabilityAlerts") is not True:
            yield Violation(
                f"repository {name} has vulnerability alerts off",
                path="vulnerabilityAlerts",
                actual=get(repo.props, "vulnerabilityAlerts"),
                required=True,
                urn=repo.urn,
            )
        if name not in updates:
            yield Violation(
                f"repository {name} has no enabled Dependabot security updates",
                path="repository",
                actual=sorted(updates),
                required=f"RepositoryDependabotSecurityUpdates(repository={name}, enabled=True)",
                urn=repo.urn,
            )
