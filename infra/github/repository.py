"""The platform repository on GitHub, guarded the way a production repository should be:
reviewed, checked, linear history, no force pushes, and a `prod` environment that only
protected branches reach after a named reviewer approves."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_github as github

PROD_ENVIRONMENT = "prod"


@dataclass(frozen=True)
class RepositoryArgs:
    name: str
    description: str
    required_approvals: int
    required_checks: Sequence[str]
    prod_reviewers: Sequence[str]
    advanced_security: bool
    # Secret name -> value, stored in the `prod` environment (never repository-wide).
    environment_secrets: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)


class Repository(pulumi.ComponentResource):
    repository_name: pulumi.Output[str]

    def __init__(self, name: str, args: RepositoryArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("crm:github:Repository", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        status = "enabled" if args.advanced_security else "disabled"
        security: github.RepositorySecurityAndAnalysisArgsDict = {
            "secret_scanning": {"status": status},
            "secret_scanning_push_protection": {"status": status}}

        repo = github.Repository(
            name, name=args.name, description=args.description, visibility="public",
            has_issues=True, has_wiki=False, has_projects=False,
            allow_squash_merge=True, allow_merge_commit=False, allow_rebase_merge=False,
            squash_merge_commit_title="PR_TITLE", squash_merge_commit_message="PR_BODY",
            delete_branch_on_merge=True, allow_update_branch=True,
            vulnerability_alerts=True, archive_on_destroy=True,
            security_and_analysis=security,
            opts=pulumi.ResourceOptions(parent=self, protect=True))

        github.RepositoryRuleset(
            f"{name}-default-branch", repository=repo.name, name="default branch",
            target="branch", enforcement="active",
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
            opts=child)

        reviewer_ids = [
            github.get_user_output(username=login, opts=pulumi.InvokeOptions(parent=self))
            .id.apply(int)
            for login in args.prod_reviewers
        ]
        environment = github.RepositoryEnvironment(
            f"{name}-{PROD_ENVIRONMENT}", repository=repo.name, environment=PROD_ENVIRONMENT,
            prevent_self_review=True, can_admins_bypass=False,
            reviewers=[{"users": reviewer_ids}],
            deployment_branch_policy={"protected_branches": True,
                                      "custom_branch_policies": False},
            opts=child)

        for secret_name, value in sorted(args.environment_secrets.items()):
            github.ActionsEnvironmentSecret(
                f"{name}-{PROD_ENVIRONMENT}-{secret_name.lower().replace('_', '-')}",
                repository=repo.name, environment=environment.environment,
                secret_name=secret_name, value=pulumi.Output.secret(value), opts=child)

        self.repository_name = repo.name
        self.register_outputs({"repository_name": self.repository_name})
