"""checkov custom check: every workflow declares least-privilege `permissions:`.

Without a `permissions:` key the GITHUB_TOKEN gets the repository default, which may be
read/write on everything. We require a top-level block that grants no write scope (write
scopes go on the single job that needs them), or a block on every job, and never
`write-all`. Loaded by checkov with --external-checks-dir (runs in checkov's own venv).
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckResult
from checkov.github_actions.checks.base_github_action_check import BaseGithubActionsCheck
from checkov.yaml_doc.enums import BlockType


def _grants_write(permissions: Any) -> bool:
    if isinstance(permissions, str):
        return permissions == "write-all"
    if isinstance(permissions, dict):
        return any(v == "write" for k, v in permissions.items() if not str(k).startswith("__"))
    return False


def problems(workflow: dict[str, Any]) -> list[str]:
    found = []
    raw_jobs = workflow.get("jobs")
    jobs: dict[str, Any] = raw_jobs if isinstance(raw_jobs, dict) else {}
    top = workflow.get("permissions")
    if top is None:
        missing = [
            name
            for name, job in jobs.items()
            if not str(name).startswith("__")
            and not (isinstance(job, dict) and "permissions" in job)
        ]
        if missing:
            found.append(f"no top-level permissions and jobs {missing} declare none")
    elif _grants_write(top):
        found.append("top-level permissions grant write scopes to every job")
    for name, job in jobs.items():
        if isinstance(job, dict) and job.get("permissions") == "write-all":
            found.append(f"job {name} uses write-all")
    return found


class LeastPrivilegePermissions(BaseGithubActionsCheck):  # type: ignore[misc]  # checkov is untyped
    def __init__(self) -> None:
        super().__init__(
            name="Ensure every workflow declares least-privilege permissions",
            id="CKV_CRM_2",
            block_type=BlockType.DOCUMENT,
            supported_entities=("jobs",),
        )

    def scan_conf(self, conf: dict[str, Any]) -> tuple[CheckResult, dict[str, Any]]:
        if not isinstance(conf, dict) or "jobs" not in conf:
            return CheckResult.UNKNOWN, conf
        return (CheckResult.FAILED if problems(conf) else CheckResult.PASSED), conf


check = LeastPrivilegePermissions()
