"""checkov custom check: every third-party action is pinned to a full commit SHA.

Tags and branches are mutable: whoever controls the action's repository can change the code
our workflows run with our secrets. A 40-hex commit SHA cannot be moved.
Loaded by checkov with --external-checks-dir (runs in checkov's own venv).
"""

from __future__ import annotations

import re
from typing import Any

from checkov.common.models.enums import CheckResult
from checkov.github_actions.checks.base_github_action_check import BaseGithubActionsCheck
from checkov.yaml_doc.enums import BlockType

FULL_SHA = re.compile(r"@[0-9a-f]{40}$")
DOCKER_DIGEST = re.compile(r"^docker://[^@\s]+@sha256:[0-9a-f]{64}$")


def is_pinned(uses: str) -> bool:
    uses = uses.strip()
    if uses.startswith("./"):
        return True  # an action in this repository, reviewed with it
    if uses.startswith("docker://"):
        return bool(DOCKER_DIGEST.match(uses))
    return bool(FULL_SHA.search(uses))


class PinnedActions(BaseGithubActionsCheck):  # type: ignore[misc]  # checkov is untyped
    def __init__(self) -> None:
        super().__init__(
            name="Ensure every action is pinned to a full-length commit SHA",
            id="CKV_CRM_1",
            block_type=BlockType.ARRAY,
            supported_entities=("jobs.*.steps[]",),
        )

    def scan_conf(self, conf: dict[str, Any]) -> tuple[CheckResult, dict[str, Any]]:
        if not isinstance(conf, dict):
            return CheckResult.UNKNOWN, conf
        uses = conf.get("uses")
        if not isinstance(uses, str):
            return CheckResult.PASSED, conf
        return (CheckResult.PASSED if is_pinned(uses) else CheckResult.FAILED), conf


check = PinnedActions()
