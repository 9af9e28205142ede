"""checkov custom check: reusable workflows called by a job are pinned to a full commit SHA.

The same reasoning as CKV_CRM_1 for job-level `uses:` (a called workflow runs with the
caller's secrets when they are inherited). Loaded by checkov with --external-checks-dir.
"""

from __future__ import annotations

import re
from typing import Any

from checkov.common.models.enums import CheckResult
from checkov.github_actions.checks.base_github_action_check import BaseGithubActionsCheck
from checkov.yaml_doc.enums import BlockType

FULL_SHA = re.compile(r"@[0-9a-f]{40}$")


def unpinned_calls(workflow: dict[str, Any]) -> list[str]:
    jobs = workflow.get("jobs")
    if not isinstance(jobs, dict):
        return []
    found = []
    for name, job in jobs.items():
        uses = job.get("uses") if isinstance(job, dict) else None
        if isinstance(uses, str) and not uses.startswith("./") and not FULL_SHA.search(uses):
            found.append(f"{name}: {uses}")
    return found


class PinnedReusableWorkflows(BaseGithubActionsCheck):  # type: ignore[misc]  # checkov is untyped
    def __init__(self) -> None:
        super().__init__(
            name="Ensure every called reusable workflow is pinned to a full-length commit SHA",
            id="CKV_CRM_3",
            block_type=BlockType.DOCUMENT,
            supported_entities=("jobs",),
        )

    def scan_conf(self, conf: dict[str, Any]) -> tuple[CheckResult, dict[str, Any]]:
        if not isinstance(conf, dict) or "jobs" not in conf:
            return CheckResult.UNKNOWN, conf
        return (CheckResult.FAILED if unpinned_calls(conf) else CheckResult.PASSED), conf


check = PinnedReusableWorkflows()
