"""`make audit`'s terminal verdict: each blocking finding with rule, resource, actual ->
required and the fix, a one-line summary in words, progress on stderr, exit codes kept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from policies.audit import main
from tests.policies.graphs import named, setting


def _audit(
    tmp_path: Path, data: dict[str, Any], options: dict[str, Any], capsys: Any
) -> tuple[int, str, str]:
    graph = tmp_path / "resources.json"
    graph.write_text(json.dumps(data))
    (tmp_path / "resource-options.json").write_text(json.dumps(options))
    code = main(
        [
            "--stack",
            "prod",
            "--graph",
            str(graph),
            "--out",
            str(tmp_path / "report"),
            "--no-scanners",
        ]
    )
    out, err = capsys.readouterr()
    return code, out, err


def test_a_failed_audit_names_each_blocking_finding_and_its_fix(
    tmp_path: Path,
    prod_data: dict[str, Any],
    prod_plan: tuple[dict[str, Any], dict[str, Any]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """It used to print a Python dict of counts and no rule."""
    named(prod_data, "storage-uploads-r2dev")["inputs"]["enabled"] = True
    setting(prod_data, "min_tls_version")["inputs"]["value"] = "1.0"
    code, out, err = _audit(tmp_path, prod_data, prod_plan[1], capsys)
    assert code == 1
    assert "✗ CRM-R2-001 [high]" in out and "✗ CRM-EDGE-002 [high]" in out
    assert (
        "resource: storage-uploads-r2dev (cloudflare:index/r2ManagedDomain:R2ManagedDomain)" in out
    )
    assert "enabled: true -> false" in out
    assert "value: 1.0 -> >= 1.2" in out
    assert "fix: Set enabled=false on the bucket's R2ManagedDomain." in out
    last = out.strip().splitlines()[-1]
    assert last.startswith("audit prod: FAILED - 2 blocking finding(s) (2 high) from 2 rule(s)")
    assert "{" not in last and "None" not in out
    assert "evaluating" in err and "writing reports" in err


def test_a_passing_audit_says_so_in_one_line(
    tmp_path: Path,
    prod_plan: tuple[dict[str, Any], dict[str, Any]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = _audit(tmp_path, *prod_plan, capsys)
    assert code == 0
    assert out.strip().splitlines() == [out.strip().splitlines()[-1]]
    assert out.startswith("audit prod: PASSED - no blocking finding; ")
    assert "not applicable" in out


def test_an_audit_that_cannot_run_exits_two(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--stack", "prod", "--graph", str(tmp_path / "missing.json"), "--no-scanners"])
    assert code == 2
    assert "make plan" in capsys.readouterr().err
