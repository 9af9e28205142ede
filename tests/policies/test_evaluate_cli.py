"""The evaluator CLI: findings JSON on stdout, exit 0/1/2, clear messages on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.policies.graphs import named

REPO = Path(__file__).resolve().parents[2]


def _evaluate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "policies.evaluate", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _write(tmp_path: Path, data: dict[str, Any], options: dict[str, Any]) -> Path:
    path = tmp_path / "resources.json"
    path.write_text(json.dumps(data))
    (tmp_path / "resource-options.json").write_text(json.dumps(options))
    return path


def test_prod_plan_exits_zero_with_findings_document(
    tmp_path: Path, prod_plan: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    done = _evaluate(str(_write(tmp_path, *prod_plan)))
    document = json.loads(done.stdout)
    assert done.returncode == 0, done.stdout
    assert set(document) == {"findings", "rules", "summary"}
    assert document["summary"]["passed"] is True
    statuses = {r["id"]: r["status"] for r in document["rules"]}
    assert len(statuses) == document["summary"]["rules_evaluated"]
    for entry in document["rules"]:
        assert entry["status"] in ("passed", "violated", "excepted", "not_applicable")
        if entry["status"] == "passed":
            assert entry["inspected"] > 0 and entry["evidence"], entry["id"]
    assert document["summary"]["rules_evaluated"] >= 30


def test_mandatory_violation_exits_one_with_full_finding(
    tmp_path: Path, prod_plan: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    data, options = prod_plan
    data = json.loads(json.dumps(data))
    named(data, "storage-uploads-r2dev")["inputs"]["enabled"] = True
    done = _evaluate(str(_write(tmp_path, data, options)))
    assert done.returncode == 1
    finding = json.loads(done.stdout)["findings"][0]
    for key in (
        "policy_id",
        "title",
        "severity",
        "enforcement",
        "resource_urn",
        "resource_type",
        "message",
        "remediation",
        "controls",
    ):
        assert finding[key], key
    assert finding["policy_id"] == "CRM-R2-001"
    assert finding["controls"][0]["version"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "no such file; run `make plan"),
        ("{not json", "not valid JSON (line 1"),
        (
            '{"project": "p", "stack": "s", "resources": [{"urn": "u"}]}',
            "resources[0].type must be a non-empty string",
        ),
    ],
)
def test_unreadable_input_exits_two_with_a_clear_message(
    tmp_path: Path, content: str | None, expected: str
) -> None:
    path = tmp_path / "resources.json"
    if content is not None:
        path.write_text(content)
    done = _evaluate(str(path))
    assert done.returncode == 2
    assert expected in done.stderr
    assert "Traceback" not in done.stderr
