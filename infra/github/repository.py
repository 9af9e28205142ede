"""The platform repository on GitHub, guarded the way a production repository should be:
reviewed, checked, linear history, no force pushes, and a `prod` environment that only
protected branches reach after a named reviewer approves."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import pulumi
import pulumi_github as github

PROD_ENVIRONMENT = "prod"


@dataclass(frozen=True)
class EnvironmentSpec:
    """A deployment environment and the secrets Pulumi keeps in it.

    `branches`: None lets every branch deploy (PR previews), "protected" only protected
    branches, or a tuple of branch name patterns.
    """

    name: str
    reviewers: Sequence[str] = ()
    branches: Literal["protected"] | tuple[str, ...] | None = "protected"
    secrets: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    # Plain values jobs need before they can fetch secrets (the Infisical identity id).
    variables: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class RepositoryArgs:
    name: str
    description: str
    required_approvals: int
    required_checks: Sequence[str]
    advanced_security: bool
    # Secrets live in environments only, never repository-wide: a job sees them only when it
    # names the environment, and `prod` makes a reviewer approve first.
    environments: Sequence[EnvironmentSpec] = ()


class Repository(pulumi.ComponentResource):
    repository_name: pulumi.Output[str]

    def __init__(
        self, name: str, args: RepositoryArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("crm:github:Repository", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        status = "enabled" if args.advanced_security else "disabled"
        security: github.RepositorySecurityAndAnalysisArgsDict = {
            "secret_scanning": {"status": status},
            "secret_scanning_push_protection": {"status": status},
        }

        repo = github.Repository(
            name,
            name=args.name,
            description=args.description,
            visibility="public",
            has_issues=True,
            has_wiki=False,
            has_projects=False,
            allow_squash_merge=True,
            allow_merge_commit=False,
            allow_rebase_merge=False,
            squash_merge_commit_title="PR_TITLE",
            squash_merge_commit_message="PR_BODY",
            delete_branch_on_merge=True,
            allow_update_branch=True,
            vulnerability_alerts=True,
            archive_on_destroy=True,
            security_and_analysis=security,
            opts=pulumi.ResourceOptions(parent=self, protect=True),
        )
        # Security update PRs for vulnerable dependencies (needs vulnerability_alerts above);
        # version updates are .github/dependabot.yml's job.
        github.RepositoryDependabotSecurityUpdates(
            f"{name}-dependabot-security-updates",
            repository=repo.name,
            enabled=True,
            opts=child,
        )

        github.RepositoryRuleset(
            f"{name}-default-branch",
            repository=repo.name,
            name="default branch",
            target="branch",
            enforcement="active",
            conditions={"ref_name": {"includes": ["~DEFAULT_BRANCH"], "excludes": []}},
            rules={
                "deletion": True,
                "non_fast_forward": True,
                "required_linear_history": True,
                "pull_request": {
                    "required_approving_review_count": args.required_approvals,
                    "dismiss_stale_reviews_on_push": True,
                    "require_last_push_approval": True,
                    "required_review_thread_resolution": True,
                    "allowed_merge_methods": ["squash"],
                },
                "required_status_checks": {
                    "strict_required_status_checks_policy": True,
                    "required_checks": [{"context": c} for c in args.required_checks],
                },
            },
            opts=child,
        )

        for spec in args.environments:
            self._environment(name, repo, spec)

        self.repository_name = repo.name
        self.register_outputs({"repository_name": self.repository_name})

    def _environment(self, name: str, repo: github.Repository, spec: EnvironmentSpec) -> None:
        child = pulumi.ResourceOptions(parent=self)
        reviewer_ids = [
            github.get_user_output(username=login, opts=pulumi.InvokeOptions(parent=self)).id.apply(
                int
            )
            for login in spec.reviewers
        ]
        policy: github.RepositoryEnvironmentDeploymentBranchPolicyArgsDict | None = None
        if spec.branches == "protected":
            policy = {"protected_branches": True, "custom_branch_policies": False}
        elif spec.branches:
            policy = {"protected_branches": False, "custom_branch_policies": True}
        environment = github.RepositoryEnvironment(
            f"{name}-{spec.name}",
            repository=repo.name,
            environment=spec.name,
            prevent_self_review=bool(reviewer_ids),
            can_admins_bypass=False,
            reviewers=[{"users": reviewer_ids}] if reviewer_ids else None,
            deployment_branch_policy=policy,
            opts=child,
        )
        if isinstance(spec.branches, tuple):
            for pattern in spec.branches:
                github.RepositoryEnvironmentDeploymentPolicy(
                    f"{name}-{spec.name}-branch-{pattern.replace('/', '-').replace('*', 'x')}",
                    repository=repo.name,
                    environment=environment.environment,
                    branch_pattern=pattern,
                    opts=child,
                )
        for secret_name, value in sorted(spec.secrets.items()):
            github.ActionsEnvironmentSecret(
                f"{name}-{spec.name}-{secret_name.lower().replace('_', '-')}",
                repository=repo.name,
                environment=environment.environment,
                secret_name=secret_name,
                value=pulumi.Output.secret(value),
                opts=child,
            )
        for variable_name, plain in sorted(spec.variables.items()):
            github.ActionsEnvironmentVariable(
                f"{name}-{spec.name}-var-{variable_name.lower().replace('_', '-')}",
                repository=repo.name,
                environment=environment.environment,
                variable_name=variable_name,
                value=plain,
                opts=child,
            )
