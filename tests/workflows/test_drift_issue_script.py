"""drift.yml's issue step, run verbatim under bash for each outcome of the preview.

GitHub's API cannot answer here, so `gh` is a recording stand-in on PATH that answers
`gh issue list --json number --jq ...` the way the real CLI prints it (a number or nothing)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.workflows.workflow_files import workflow

DRIFT_OUTPUT = """Previewing update (prod):
  ~ cloudflare:index/zoneSetting:ZoneSetting edge-min-tls update [diff: ~value]
Resources:
    ~ 1 to update
error: no changes were expected but changes were proposed
"""
FAKE_GH = """#!/usr/bin/env bash
echo "$*" >> "$GH_CALLS"
if [ "$1 $2" = "issue list" ]; then printf '%s' "$OPEN_ISSUE"; fi
if [ "$1 $2" = "issue create" ] || [ "$1 $2" = "issue comment" ]; then
  cat "${@: -1}" > "$GH_BODY"
fi
"""


def _script() -> str:
    steps = [s for _, s in workflow("drift").steps() if "gh issue" in s.get("run", "")]
    assert len(steps) == 1
    return str(steps[0]["run"])


def _run(tmp_path: Path, outcome: str, output: str, open_issue: str) -> tuple[int, list[str], str]:
    gh = tmp_path / "bin" / "gh"
    gh.parent.mkdir(exist_ok=True)
    gh.write_text(FAKE_GH)
    gh.chmod(0o755)
    calls, body = tmp_path / "calls", tmp_path / "body"
    env = {
        "PATH": f"{gh.parent}:{os.environ['PATH']}",
        "GH_CALLS": str(calls),
        "GH_BODY": str(body),
        "OPEN_ISSUE": open_issue,
        "OUTCOME": outcome,
        "PREVIEW_OUTPUT": output,
        "GH_TOKEN": "fake-github-token",  # checkov:skip=CKV_SECRET_6: obviously fake test value
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": "careers-crm/platform",
        "GITHUB_RUN_ID": "42",
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
    }
    proc = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", _script()],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    lines = calls.read_text().splitlines() if calls.exists() else []
    return proc.returncode, lines, body.read_text() if body.exists() else ""


def _verbs(calls: list[str]) -> list[str]:
    return [" ".join(c.split()[:2]) for c in calls]


def test_drift_opens_one_issue_with_the_diff(tmp_path: Path) -> None:
    code, calls, body = _run(tmp_path, "failure", DRIFT_OUTPUT, open_issue="")
    assert code == 0
    assert _verbs(calls) == ["issue list", "label create", "issue create"]
    assert "--label drift" in calls[-1]
    assert "edge-min-tls" in body and "actions/runs/42" in body


def test_drift_again_comments_on_the_open_issue(tmp_path: Path) -> None:
    code, calls, body = _run(tmp_path, "failure", DRIFT_OUTPUT, open_issue="17")
    assert code == 0
    assert _verbs(calls) == ["issue list", "issue comment"]
    assert calls[-1].startswith("issue comment 17 ")
    assert "no changes were expected" in body


@pytest.mark.parametrize(
    ("open_issue", "expected"), [("17", ["issue list", "issue close"]), ("", ["issue list"])]
)
def test_clean_run_closes_the_issue(tmp_path: Path, open_issue: str, expected: list[str]) -> None:
    code, calls, _ = _run(tmp_path, "success", "Resources:\n    12 unchanged\n", open_issue)
    assert code == 0
    assert _verbs(calls) == expected


def test_other_failures_fail_the_run_and_leave_the_issue(tmp_path: Path) -> None:
    output = "error: failed to decrypt: 401 Unauthorized (PULUMI_ACCESS_TOKEN expired?)\n"
    code, calls, _ = _run(tmp_path, "failure", output, open_issue="17")
    assert code == 1
    assert _verbs(calls) == ["issue list"]
