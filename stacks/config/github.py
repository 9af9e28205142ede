"""The platform repository on GitHub: reviews, required checks, prod reviewers."""

from __future__ import annotations

from dataclasses import dataclass

from stacks.config.reader import (
    Reader,
    github_name_check,
)


@dataclass(frozen=True)
class GitHubConfig:
    repository: str
    required_approvals: int
    prod_reviewers: tuple[str, ...]
    advanced_security: bool
    required_checks: tuple[str, ...]


def read_github(reader: Reader) -> GitHubConfig:
    github = GitHubConfig(
        repository=reader.string(
            "github.repository", "careers-crm-platform", check=github_name_check
        ),
        required_approvals=reader.integer("github.requiredApprovals", 1, minimum=1, maximum=6),
        prod_reviewers=reader.string_list("github.prodReviewers", []),
        advanced_security=reader.boolean("github.advancedSecurity", True),
        required_checks=reader.string_list(
            "github.requiredChecks", ["lint", "typecheck", "test", "audit"]
        ),
    )
    if not github.prod_reviewers:
        reader.problem(
            "github.prodReviewers", "needs at least one GitHub user login who approves prod deploys"
        )
    for login in github.prod_reviewers:
        if (why := github_name_check(login)) is not None:
            reader.problem("github.prodReviewers", why)
    return github
